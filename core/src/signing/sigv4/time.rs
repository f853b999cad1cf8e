//! The signing time and the calendar arithmetic behind it.

use core::fmt;

use super::SignError;

/// A UTC time to the second, from year 0000 to 9999: the signing time. The signer never reads a
/// clock; the caller passes the time in ([`Timestamp::from_unix`] from a `Clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl Timestamp {
    /// The time `seconds` after the Unix epoch (1970-01-01T00:00:00Z; negative is before it).
    ///
    /// # Errors
    /// [`SignError::InvalidTime`] when the time falls outside the years 0000 to 9999.
    pub fn from_unix(seconds: i64) -> Result<Self, SignError> {
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        if !(0..=9999).contains(&year) {
            return Err(SignError::InvalidTime {
                field: "unix seconds",
                value: seconds,
            });
        }
        let secs = seconds.rem_euclid(86_400);
        // Every narrowing below is in range: year 0..=9999, month 1..=12, day 1..=31 and the
        // time of day 0..86_400.
        Ok(Timestamp {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
        })
    }

    /// The time from its calendar fields, UTC.
    ///
    /// # Errors
    /// [`SignError::InvalidTime`] naming the first field out of range: year above 9999, month
    /// outside 1..=12, a day the month does not have, hour above 23, minute or second above 59
    /// (no leap seconds).
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, SignError> {
        let bad = |field, value: u8| {
            Err(SignError::InvalidTime {
                field,
                value: i64::from(value),
            })
        };
        if year > 9999 {
            return Err(SignError::InvalidTime {
                field: "year",
                value: i64::from(year),
            });
        }
        if !(1..=12).contains(&month) {
            return bad("month", month);
        }
        if day == 0 || day > days_in_month(year, month) {
            return bad("day", day);
        }
        if hour > 23 {
            return bad("hour", hour);
        }
        if minute > 59 {
            return bad("minute", minute);
        }
        if second > 59 {
            return bad("second", second);
        }
        Ok(Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// The time an `x-amz-date` header gives (`20150830T123600Z`, the form the signer writes):
    /// for a server, or a test, recomputing a request's signature. `None` for any other text or
    /// a time out of range.
    #[must_use]
    pub fn from_amz_date(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let digits = |r: core::ops::Range<usize>| -> Option<u16> {
            let part = text.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let byte = |r| digits(r).and_then(|v| u8::try_from(v).ok());
        Self::new(
            digits(0..4)?,
            byte(4..6)?,
            byte(6..8)?,
            byte(9..11)?,
            byte(11..13)?,
            byte(13..15)?,
        )
        .ok()
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub fn unix(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The year, 0 to 9999.
    #[must_use]
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    #[must_use]
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    #[must_use]
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The hour, 0 to 23.
    #[must_use]
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, 0 to 59.
    #[must_use]
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The second, 0 to 59.
    #[must_use]
    pub fn second(&self) -> u8 {
        self.second
    }

    /// The `x-amz-date` form, ISO 8601 basic: `20150830T123600Z`.
    #[must_use]
    pub fn amz_date(&self) -> impl fmt::Display {
        AmzDate(*self)
    }

    /// The credential scope's date: `20150830`.
    #[must_use]
    pub fn date_stamp(&self) -> impl fmt::Display {
        DateStamp(*self)
    }
}

/// ISO 8601 extended, as the AWS CLI writes times: `2015-08-30T12:36:00Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_iso(f, "-", ":")
    }
}

impl Timestamp {
    /// ISO 8601 with `date` between the date's fields and `time` between the time's.
    fn write_iso(&self, f: &mut fmt::Formatter<'_>, date: &str, time: &str) -> fmt::Result {
        write!(
            f,
            "{:04}{date}{:02}{date}{:02}T{:02}{time}{:02}{time}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// ISO 8601 basic, the `x-amz-date` form: `20150830T123600Z`.
struct AmzDate(Timestamp);

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_iso(f, "", "")
    }
}

struct DateStamp(Timestamp);

impl fmt::Display for DateStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.0;
        write!(f, "{:04}{:02}{:02}", t.year, t.month, t.day)
    }
}

fn is_leap(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) of the day `days` after 1970-01-01, proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146_096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365, from March 1
    let mp = (5 * doy + 2) / 153; // 0..=11, from March
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to (year, month, day), the inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
