//! libcredchain
