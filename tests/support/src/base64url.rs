//! base64url (RFC 4648 section 5) decoding without padding, as JWTs and DPoP proofs use it.

/// Decodes base64url without padding; panics on any other text (padding included), as a test
/// helper should.
pub fn decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap_or_else(|e| panic!("not base64url without padding: {text}: {e}"))
}

/// The JSON encoded in a base64url part (a JWT's header or claims).
pub fn decode_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&decode(part))
        .unwrap_or_else(|e| panic!("not base64url JSON: {part}: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes() {
        assert_eq!(super::decode("aGk_-w"), b"hi\x3f\xfb");
        assert_eq!(super::decode_json("eyJhIjoxfQ")["a"], 1);
    }
}
