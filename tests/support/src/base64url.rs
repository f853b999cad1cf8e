//! base64url (RFC 4648 section 5) decoding without padding, as JWTs and DPoP proofs use it.

/// Decodes base64url without padding; panics on any other character (padding included), as a
/// test helper should.
pub fn decode(text: &str) -> Vec<u8> {
    assert!(!text.contains('='), "padding in {text}");
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => panic!("not base64url: {text}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
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
