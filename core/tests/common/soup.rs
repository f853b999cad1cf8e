//! Random profile files for the parser's tests: line soups of section headers, properties,
//! comments and odd lines (indentation, tabs, `\r`, `\r\n`, lone `\r`, U+00A0, U+3000 and
//! U+0085, `:` and `=`, quotes, `[DEFAULT]`, repeats, nested values), each line sometimes
//! followed by a random run of the bytes that matter to the scanner.

use credchain_test_support::random::Rng;

/// Indentations, column 0 the most often.
pub const INDENTS: &[&str] = &[
    "", "", "", "", " ", "  ", "    ", "\t", " \t", "\u{a0}", "\u{3000}", "\u{85}", "\x0b", "\x0c",
    "\x1c", "\x1f",
];

/// The lines: headers of every shape, properties, comments, blank and odd lines.
pub const LINES: &[&str] = &[
    "[profile a]",
    "[profile b]",
    "[profile A]",
    "[default]",
    "[DEFAULT]",
    "[default] ; comment",
    "[a]",
    "[b]",
    "[profile \"x y\"]",
    "[profile 'x y']",
    "[profile \"a\"]",
    "[profile 'q]",
    "[profile a\\]",
    "[ profile  b ]",
    "[profile a b]",
    "[profile]",
    "[profilea b]",
    "[sso-session s]",
    "[services t]",
    "[other]",
    "[]",
    "[",
    "]",
    "[x] trailing",
    "[a]]",
    "[[a]",
    "[a]\u{a0}",
    "[\u{a0}]",
    "[é]",
    "region = eu-west-1",
    "region=us-east-1",
    "Region = x",
    "REGION: y",
    "key: v",
    "key :v = w",
    "k = v : w",
    "key =",
    "key = ",
    "key =\t",
    "key = \u{a0}",
    "key =\u{3000}",
    "key = \x0b",
    "key = \x01",
    "s3 =",
    "sub = 1",
    "sub=2",
    "sub",
    "sub = ",
    "=v",
    ":v",
    " = v",
    "a\u{a0}= v",
    "a\u{a0}\u{a0} : v",
    "ключ = значение",
    "é=1",
    "É = 2",
    "\u{212a} = kelvin",
    "k\u{212a} = kelvin",
    "kk = 1",
    "KK = 2",
    "x\u{130} = 1",
    "xi\u{307} = 2",
    "k = 1",
    "K = 2",
    "\u{130} = 1",
    "i\u{307} = 2",
    "aws_access_key_id = a",
    "AWS_ACCESS_KEY_ID = b",
    "aws_secret_access_key = c",
    "x\x7f = 1",
    "\x7f = 1",
    "#c",
    "# c = d",
    ";c",
    "; [profile a]",
    "",
    "",
    "   ",
    "no delimiter",
    "a#b = c",
    "a;b = c",
    "'q' = \"v\"",
    "k = \"unclosed",
    "x",
];

/// Line endings, `\n` the most often.
pub const ENDINGS: &[&str] = &["\n", "\n", "\n", "\r\n", "\r", "\n\r", "\r\r\n"];

/// A random file of `lines` lines.
pub fn soup(rng: &mut Rng, lines: usize) -> String {
    let mut text = String::new();
    // Most files start with a section, so that the scan goes past the first line.
    if rng.below(4) != 0 {
        text.push_str(rng.pick(&["[default]\n", "[profile a]\n", "[a]\n", "[DEFAULT]\n"]));
    }
    for _ in 0..lines {
        // Mostly column 0, the shapes the scanner takes itself.
        if rng.below(3) == 0 {
            text.push_str(rng.pick(INDENTS));
        }
        text.push_str(rng.pick(LINES));
        if rng.below(8) == 0 {
            // A random byte run inside or after the line.
            for _ in 0..rng.below(4) {
                text.push_str(rng.pick(&[
                    "[", "]", "=", ":", "#", ";", " ", "\t", "\r", "\"", "'", "\\", "a", "A",
                    "\u{a0}", "\u{85}", "\u{2028}", "\x0c",
                ]));
            }
        }
        text.push_str(rng.pick(ENDINGS));
    }
    if rng.below(4) == 0 {
        // No line ending at the end.
        while text.ends_with(['\n', '\r']) {
            text.pop();
        }
    }
    text
}
