//! The canonical request and the string to sign: headers and query sorted and written.

use core::cmp::Ordering;
use core::fmt::{self, Write};

use hmac::Mac;
use sha2::digest::Update;
use sha2::{Digest, Sha256};

use super::key::signing_key;
use super::uri::{encoded, uri_encode, write_path, Encoder};
use super::{
    write_credential, write_scope, Hex, HmacSha256, Request, SignError, SigningOptions,
    SigningParams, Trace, ALGORITHM, MAX_HEADERS, MAX_QUERY_PARAMS, PRESIGN_PARAMS, REDACTED,
    UNSIGNED_HEADERS,
};
use crate::text::is_py_space;

/// Signs the canonical request of `request` with its sorted `headers` and `query` (`presign`:
/// `Some(expires_in)` for a presigned query): the payload's hash and the signature.
pub(super) fn sign_canonical(
    params: &SigningParams<'_>,
    request: &Request<'_>,
    options: &SigningOptions,
    headers: &SortedHeaders,
    query: &SortedQuery,
    presign: Option<u32>,
    trace: Option<&mut Trace<'_>>,
) -> Result<(Hex, Hex), SignError> {
    let payload = Hex::new(&Sha256::digest(request.body));
    let canonical = Canonical {
        params,
        request,
        options,
        headers,
        query,
        payload: &payload,
        presign,
    };
    let signature = canonical.sign(trace)?;
    Ok((payload, signature))
}

/// Everything the canonical request is made of.
struct Canonical<'c> {
    params: &'c SigningParams<'c>,
    request: &'c Request<'c>,
    options: &'c SigningOptions,
    headers: &'c SortedHeaders,
    query: &'c SortedQuery,
    payload: &'c Hex,
    /// `Some(expires_in)` for a presigned query.
    presign: Option<u32>,
}

impl Canonical<'_> {
    /// Hashes the canonical request, HMACs the string to sign, and returns the signature.
    fn sign(&self, trace: Option<&mut Trace<'_>>) -> Result<Hex, SignError> {
        let (creq_sink, sts_sink, redact): (Option<&mut dyn Write>, Option<&mut dyn Write>, _) =
            match trace {
                Some(t) => (
                    Some(&mut *t.canonical_request),
                    Some(&mut *t.string_to_sign),
                    t.redact_session_token,
                ),
                None => (None, None, false),
            };
        let mut creq = Tee {
            inner: Sha256::new(),
            sink: creq_sink,
        };
        self.write(&mut creq, redact)
            .map_err(|_| SignError::TraceSink)?;
        let creq_hash = Hex::new(&creq.inner.finalize());

        let p = self.params;
        let mut sts = Tee {
            inner: signing_key(p.secret_access_key, p.time, p.region, p.service),
            sink: sts_sink,
        };
        write_string_to_sign(&mut sts, p, &creq_hash).map_err(|_| SignError::TraceSink)?;
        Ok(Hex::new(&sts.inner.finalize().into_bytes()))
    }

    pub(super) fn write(&self, w: &mut Tee<'_, Sha256>, redact: bool) -> fmt::Result {
        let r = self.request;
        write_upper(w, r.method)?;
        w.write_char('\n')?;
        write_path(w, r.path, self.options)?;
        w.write_char('\n')?;
        self.write_query(w)?;
        w.write_char('\n')?;
        self.write_headers(w, redact)?;
        w.write_char('\n')?;
        self.headers.write_names(w, r.headers)?;
        w.write_char('\n')?;
        w.write_str(self.payload.as_str())
    }

    pub(super) fn write_query(&self, w: &mut Tee<'_, Sha256>) -> fmt::Result {
        let p = self.params;
        for (n, item) in self.query.items.iter().enumerate() {
            if n > 0 {
                w.write_char('&')?;
            }
            match *item {
                Param::Caller(i) => {
                    let (name, value) = self.request.query[usize::from(i)];
                    write!(w, "{}={}", uri_encode(name), uri_encode(value))?;
                }
                Param::Added(k) => {
                    write!(w, "{}=", PRESIGN_PARAMS[usize::from(k)])?;
                    match PRESIGN_PARAMS[usize::from(k)] {
                        "X-Amz-Algorithm" => w.write_str(ALGORITHM)?,
                        "X-Amz-Credential" => write_credential(
                            &mut Encoder(w),
                            p.access_key_id,
                            p.time,
                            p.region,
                            p.service,
                        )?,
                        "X-Amz-Date" => write!(w, "{}", p.time.amz_date())?,
                        "X-Amz-SignedHeaders" => self
                            .headers
                            .write_names(&mut Encoder(w), self.request.headers)?,
                        "X-Amz-Expires" => write!(w, "{}", self.presign.unwrap_or_default())?,
                        // Only added when there is a token to sign.
                        _ => write!(w, "{}", uri_encode(p.session_token.unwrap_or_default()))?,
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn write_headers(&self, w: &mut Tee<'_, Sha256>, redact: bool) -> fmt::Result {
        let items = &self.headers.items;
        let all = self.request.headers;
        let mut n = 0;
        while n < items.len() {
            let name = items[n].name(all);
            write_lower(w, name)?;
            w.write_char(':')?;
            let mut first = true;
            while n < items.len() && eq_lower(items[n].name(all), name) {
                if !first {
                    w.write_char(',')?;
                }
                first = false;
                match items[n] {
                    Header::Caller(i) => write_trimmed(w, all[usize::from(i)].1)?,
                    Header::Date => write!(w, "{}", self.params.time.amz_date())?,
                    Header::ContentSha256 => w.write_str(self.payload.as_str())?,
                    Header::SecurityToken => {
                        let token = self.params.session_token.unwrap_or_default();
                        w.write_secret(token, redact)?;
                    }
                }
                n += 1;
            }
            w.write_char('\n')?;
        }
        Ok(())
    }
}

pub(super) fn write_string_to_sign(
    w: &mut Tee<'_, HmacSha256>,
    p: &SigningParams<'_>,
    canonical_request_hash: &Hex,
) -> fmt::Result {
    write!(w, "{ALGORITHM}\n{}\n", p.time.amz_date())?;
    write_scope(w, p.time, p.region, p.service)?;
    write!(w, "\n{}", canonical_request_hash.as_str())
}

/// Feeds what is written to a hash or MAC, and copies it to an optional trace sink.
pub(super) struct Tee<'s, H> {
    inner: H,
    sink: Option<&'s mut dyn Write>,
}

impl<H: Update> Tee<'_, H> {
    /// Hashes `secret`; the sink gets `<redacted>` in its place when `redact`.
    pub(super) fn write_secret(&mut self, secret: &str, redact: bool) -> fmt::Result {
        self.inner.update(secret.as_bytes());
        match &mut self.sink {
            Some(sink) => sink.write_str(if redact { REDACTED } else { secret }),
            None => Ok(()),
        }
    }
}

impl<H: Update> Write for Tee<'_, H> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.inner.update(s.as_bytes());
        match &mut self.sink {
            Some(sink) => sink.write_str(s),
            None => Ok(()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Headers

/// Which headers the signer adds to the signed set.
#[derive(Default, Clone, Copy)]
pub(super) struct Added {
    pub(super) date: bool,
    pub(super) token: bool,
    pub(super) content_sha256: bool,
}

/// One signed header: the caller's (by index) or one the signer adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Header {
    Caller(u16),
    Date,
    ContentSha256,
    SecurityToken,
}

impl Header {
    pub(super) fn name<'h>(self, headers: &[(&'h str, &'h str)]) -> &'h str {
        match self {
            Header::Caller(i) => headers[usize::from(i)].0,
            Header::Date => "x-amz-date",
            Header::ContentSha256 => "x-amz-content-sha256",
            Header::SecurityToken => "x-amz-security-token",
        }
    }

    /// The order among equal names: the caller's order (added names never equal a caller's).
    pub(super) fn position(self) -> u32 {
        match self {
            Header::Caller(i) => u32::from(i),
            _ => u32::MAX,
        }
    }
}

/// The headers to sign, sorted by lower-case name, equal names in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SortedHeaders {
    items: heapless::Vec<Header, MAX_HEADERS>,
}

impl SortedHeaders {
    pub(super) fn new(headers: &[(&str, &str)], added: Added) -> Result<Self, SignError> {
        let too_many = SignError::TooManyHeaders {
            given: headers.len(),
        };
        let mut items = heapless::Vec::new();
        let mut host = false;
        for (i, &(name, _)) in headers.iter().enumerate() {
            let replaced = name.eq_ignore_ascii_case("authorization")
                || (added.date && name.eq_ignore_ascii_case("x-amz-date"))
                || (added.token && name.eq_ignore_ascii_case("x-amz-security-token"))
                || (added.content_sha256 && name.eq_ignore_ascii_case("x-amz-content-sha256"));
            if replaced
                || UNSIGNED_HEADERS
                    .iter()
                    .any(|u| name.eq_ignore_ascii_case(u))
            {
                continue;
            }
            host |= name.eq_ignore_ascii_case("host");
            let index = u16::try_from(i).map_err(|_| too_many)?;
            items.push(Header::Caller(index)).map_err(|_| too_many)?;
        }
        if !host {
            return Err(SignError::MissingHost);
        }
        let extra = [
            (added.date, Header::Date),
            (added.token, Header::SecurityToken),
            (added.content_sha256, Header::ContentSha256),
        ];
        for (wanted, header) in extra {
            if wanted {
                items.push(header).map_err(|_| too_many)?;
            }
        }
        items.sort_unstable_by(|a, b| {
            cmp_lower(a.name(headers), b.name(headers)).then(a.position().cmp(&b.position()))
        });
        Ok(SortedHeaders { items })
    }

    /// The signed header names: lower-case, unique, joined by `;`.
    pub(super) fn write_names(&self, w: &mut dyn Write, headers: &[(&str, &str)]) -> fmt::Result {
        let mut last: Option<&str> = None;
        for item in &self.items {
            let name = item.name(headers);
            if last.is_some_and(|l| eq_lower(l, name)) {
                continue;
            }
            if last.is_some() {
                w.write_char(';')?;
            }
            write_lower(w, name)?;
            last = Some(name);
        }
        Ok(())
    }
}

pub(super) fn cmp_lower(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

pub(super) fn eq_lower(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

pub(super) fn write_lower(w: &mut (impl Write + ?Sized), s: &str) -> fmt::Result {
    write_ascii_case(w, s, u8::to_ascii_lowercase)
}

pub(super) fn write_upper(w: &mut (impl Write + ?Sized), s: &str) -> fmt::Result {
    write_ascii_case(w, s, u8::to_ascii_uppercase)
}

/// `s` with each ASCII letter mapped by `case`, written in runs of what it leaves alone.
fn write_ascii_case(w: &mut (impl Write + ?Sized), s: &str, case: fn(&u8) -> u8) -> fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let mapped = case(&b);
        if mapped != b {
            w.write_str(&s[start..i])?;
            w.write_char(char::from(mapped))?;
            start = i + 1;
        }
    }
    w.write_str(&s[start..])
}

/// A header value as botocore signs it: `' '.join(value.split())`, Python's whitespace.
pub(super) fn write_trimmed(w: &mut (impl Write + ?Sized), value: &str) -> fmt::Result {
    let mut words = value.split(is_py_space).filter(|word| !word.is_empty());
    if let Some(word) = words.next() {
        w.write_str(word)?;
    }
    for word in words {
        w.write_char(' ')?;
        w.write_str(word)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Query

/// One query parameter: the caller's (by index) or one a presigned query adds (by its index in
/// `PRESIGN_PARAMS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Param {
    Caller(u16),
    Added(u8),
}

/// The query parameters, sorted by encoded name, then encoded value.
pub(super) struct SortedQuery {
    items: heapless::Vec<Param, { MAX_QUERY_PARAMS + PRESIGN_PARAMS.len() }>,
}

impl SortedQuery {
    /// `presign` is `Some(whether the token is signed)` for a presigned query.
    pub(super) fn new(query: &[(&str, &str)], presign: Option<bool>) -> Result<Self, SignError> {
        let too_many = SignError::TooManyQueryParams { given: query.len() };
        if query.len() > MAX_QUERY_PARAMS {
            return Err(too_many);
        }
        let mut items = heapless::Vec::new();
        for (i, &(name, _)) in query.iter().enumerate() {
            if presign.is_some() {
                if let Some(reserved) = PRESIGN_PARAMS.iter().find(|&&p| p == name) {
                    return Err(SignError::ReservedQueryParam { name: reserved });
                }
            }
            let index = u16::try_from(i).map_err(|_| too_many)?;
            items.push(Param::Caller(index)).map_err(|_| too_many)?;
        }
        if let Some(sign_token) = presign {
            // Every name but X-Amz-Signature (the last), the token only when signed.
            for (k, &name) in PRESIGN_PARAMS[..PRESIGN_PARAMS.len() - 1]
                .iter()
                .enumerate()
            {
                if name == "X-Amz-Security-Token" && !sign_token {
                    continue;
                }
                // k < 7
                items.push(Param::Added(k as u8)).map_err(|_| too_many)?;
            }
        }
        // Added names are unique and never a caller's, so only two caller parameters can tie on
        // the name and be ordered by value.
        let name = |p: &Param| match *p {
            Param::Caller(i) => query[usize::from(i)].0,
            Param::Added(k) => PRESIGN_PARAMS[usize::from(k)],
        };
        items.sort_unstable_by(|a, b| {
            encoded(name(a))
                .cmp(encoded(name(b)))
                .then_with(|| match (*a, *b) {
                    (Param::Caller(i), Param::Caller(j)) => {
                        encoded(query[usize::from(i)].1).cmp(encoded(query[usize::from(j)].1))
                    }
                    _ => Ordering::Equal,
                })
        });
        Ok(SortedQuery { items })
    }
}
