//! Masking of keys: the only way a key or secret reaches the output.
//!
//! As the AWS CLI's `configure list` does, a key is shown as 16 `*` followed by its last four
//! characters (`****************ATIC`). Unlike the AWS CLI, a value shorter than
//! [`MIN_REVEAL_LEN`] characters shows no character at all: four characters of a short secret
//! would be most of it.

/// How many `*` stand for the hidden part.
pub const MASK_LEN: usize = 16;

/// How many trailing characters are shown.
pub const REVEAL_LEN: usize = 4;

/// The shortest value whose last [`REVEAL_LEN`] characters are shown (real access key ids are
/// 20 characters, secret keys 40).
pub const MIN_REVEAL_LEN: usize = 8;

/// `secret` masked for display.
#[must_use]
pub fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    let mut masked = "*".repeat(MASK_LEN);
    if count >= MIN_REVEAL_LEN {
        masked.extend(secret.chars().skip(count - REVEAL_LEN));
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_only_the_last_four_characters() {
        assert_eq!(mask("AKIDEXAMPLESTATIC"), "****************ATIC");
        assert_eq!(
            mask("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            "****************EKEY"
        );
        assert_eq!(mask("ключ-секрет-éé"), "****************т-éé");
    }

    #[test]
    fn short_values_show_nothing() {
        assert_eq!(mask("abc"), "****************");
        assert_eq!(mask("1234567"), "****************");
        assert_eq!(mask(""), "****************");
    }
}
