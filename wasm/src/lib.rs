//! credchain for JavaScript
