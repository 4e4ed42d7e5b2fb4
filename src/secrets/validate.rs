//! Offline structure checks that turn a regex match into a confident finding: checksums,
//! decodable encodings, key-id alphabets, entropy, and placeholder detection.

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Placeholders, references and dummy values are not secrets. Judged on the whole value, not
/// on any substring: a random token may well contain `123456789`, `Test` or `Your`.
pub fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    // Markers that never occur in a random token: references, masks, documentation words.
    const STRONG: &[&str] = &[
        "example",
        "xxxx",
        "placeholder",
        "changeme",
        "changeit",
        "change_me",
        "change-me",
        "redacted",
        "<",
        ">",
        "${",
        "{{",
        "$(",
        "%s",
        "****",
        "....",
        "…",
        "process.env",
        "os.environ",
        "getenv",
        "env(",
        "secrets.",
        "insert",
        "replace_me",
        "replace-me",
        "qwertyui",
    ];
    if STRONG.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // Documentation spells the word out: `password`, `pass%20word`, `p%40ss%3Aword`, `Pa55w0rd`.
    let letters: String = percent_decode(&lower)
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '$' | '5' => 's',
            '0' => 'o',
            '3' => 'e',
            c => c,
        })
        .filter(char::is_ascii_alphabetic)
        .collect();
    if letters.contains("password") || letters.contains("passwd") {
        return true;
    }
    // Words such as `your`, `test`, `dummy` mark a placeholder when they stand as words
    // (`your-api-key`, `YOUR_TOKEN`, `xoxb-test-token`) and nothing random is left beside
    // them; inside a random run (`…9xTestQ2…`) they are chance.
    // Also the defaults of local development databases (`postgres:postgres`, `guest:guest`).
    const WEAK: &[&str] = &[
        "your", "test", "dummy", "sample", "fake", "mock", "secret", "token", "here", "key",
        "demo", "foo", "bar", "todo", "pass", "user", "admin", "guest", "root", "default",
        "postgres", "mysql", "redis", "mongo", "rabbit", "local", "dev",
    ];
    let segments: Vec<&str> = secret
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect();
    let is_word = |seg: &str| {
        let l = seg.to_ascii_lowercase();
        let rest = &seg[1..];
        let one_case = !(rest.bytes().any(|c| c.is_ascii_uppercase())
            && rest.bytes().any(|c| c.is_ascii_lowercase()));
        WEAK.iter().any(|w| {
            l.starts_with(w)
                && one_case
                && (l.len() <= w.len() + 4 || l[w.len()..].bytes().all(|c| c.is_ascii_alphabetic()))
        })
    };
    if segments.iter().any(|s| is_word(s)) && !segments.iter().any(|s| !is_word(s) && random_run(s))
    {
        return true;
    }
    // The longest run of letters and digits decides: repeated, sequential or keyboard-walked
    // whole values (`aaaaaaaa`, `1234567890abcdef`, `abcabcabc`) are dummies.
    match segments.iter().max_by_key(|s| s.len()) {
        Some(longest) => trivial(longest) && segments.iter().all(|s| s.len() < 12 || trivial(s)),
        None => true,
    }
}

/// A run that looks random: long enough, several distinct characters, not trivial.
fn random_run(seg: &str) -> bool {
    seg.len() >= 12 && entropy(seg) >= 3.0 && !trivial(seg)
}

/// Repeated (`aaaa`, `abab`, `123123`), or mostly ascending/descending steps (`0123456789`,
/// `AbCdEfGh`, `987654`), judged over the whole run.
fn trivial(seg: &str) -> bool {
    let b: Vec<u8> = seg.bytes().map(|c| c.to_ascii_lowercase()).collect();
    if b.len() < 2 {
        return true;
    }
    let distinct = {
        let mut seen = [false; 256];
        b.iter()
            .filter(|&&c| !std::mem::replace(&mut seen[c as usize], true))
            .count()
    };
    if distinct <= 2 || (b.len() >= 12 && distinct <= 4) {
        return true;
    }
    // Repetition of a short unit.
    if (1..=b.len() / 2).any(|p| b.len().is_multiple_of(p) && b.chunks(p).all(|c| c == &b[..p])) {
        return true;
    }
    let step = |x: u8, y: u8| {
        let d = i16::from(y) - i16::from(x);
        d.abs() <= 1 || (x == b'9' && y == b'0') || (x == b'0' && y == b'9')
    };
    let steps = b.windows(2).filter(|w| step(w[0], w[1])).count();
    steps * 5 >= (b.len() - 1) * 4
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Named structural validators of the rule pack.
pub fn validate(name: &str, secret: &str) -> bool {
    match name {
        "github-crc32" => github_crc32(secret),
        "jwt" => jwt(secret),
        "pem" => pem(secret),
        "aws-access-key-id" => aws_key_id(secret),
        "pypi-macaroon" => pypi(secret),
        "base64" => decode_base64(secret).is_some(),
        "has-digit" => secret.bytes().any(|b| b.is_ascii_digit()),
        _ => false,
    }
}

pub const VALIDATORS: &[&str] = &[
    "github-crc32",
    "jwt",
    "pem",
    "aws-access-key-id",
    "pypi-macaroon",
    "base64",
    "has-digit",
];

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `<prefix>_<30 random><6 base62 CRC32 of the random part>` (GitHub `gh?_`, npm `npm_`).
fn github_crc32(secret: &str) -> bool {
    let Some((_, body)) = secret.rsplit_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, check) = body.split_at(30);
    let mut crc = crc32fast::hash(random.as_bytes());
    let mut encoded = [b'0'; 6];
    for slot in encoded.iter_mut().rev() {
        *slot = BASE62[(crc % 62) as usize];
        crc /= 62;
    }
    encoded == check.as_bytes()
}

fn jwt(secret: &str) -> bool {
    let mut parts = secret.split('.');
    let (Some(header), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if payload.is_empty() || sig.is_empty() {
        return false;
    }
    decode_base64(header)
        .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
        .is_some_and(|h| h.get("alg").is_some())
}

fn pem(secret: &str) -> bool {
    let body: String = secret
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.contains(':'))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    decode_base64(&body).is_some_and(|b| b.len() >= 64)
}

fn aws_key_id(secret: &str) -> bool {
    secret.len() == 20
        && secret[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

fn pypi(secret: &str) -> bool {
    secret
        .strip_prefix("pypi-")
        .and_then(decode_base64)
        .is_some_and(|b| b.first() == Some(&2) && b.windows(8).any(|w| w == b"pypi.org"))
}

/// Standard or URL-safe base64, padding optional. `None` if not decodable.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (s.len() % 4 != 1).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_checksum() {
        // Built the way GitHub does: CRC32 of the random part, base62, 6 chars.
        let random = "Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1";
        let mut crc = crc32fast::hash(random.as_bytes());
        let mut check = [b'0'; 6];
        for slot in check.iter_mut().rev() {
            *slot = BASE62[(crc % 62) as usize];
            crc /= 62;
        }
        let token = format!("ghp_{random}{}", std::str::from_utf8(&check).unwrap());
        assert!(github_crc32(&token));
        let mut bad = token.clone().into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert!(!github_crc32(std::str::from_utf8(&bad).unwrap()));
    }

    #[test]
    fn spelled_out_passwords_are_placeholders() {
        assert!(
            is_placeholder("p%40ss%3Aword")
                && is_placeholder("Pa55w0rd!")
                && is_placeholder("pass%20word")
        );
        assert!(!is_placeholder("S3cr3tPassw9rdQx"));
    }

    #[test]
    fn placeholders_are_judged_on_the_whole_value() {
        for p in [
            "sk-your-key-here",
            "YOUR_API_KEY_HERE",
            "yourapikeyhere",
            "xoxb-test-token",
            "xxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "<token>",
            "${SLACK_BOT_TOKEN}",
            "changeme",
            "aaaaaaaaaaaaaaaa",
            "1234567890abcdef",
            "abcabcabcabc",
            "AbCdEfGhIjKlMnOp",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "secret",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in [
            "Zq8Rk2mVx7Lp",
            "xoxb-7384629105-123456789012-Rk4mWq9ZtLp2XvN8sJd6FgHy", // agentgate:allow: a fake token for this test
            "Hq2Lp9Zx4Rt7Mn3Kv8Wc123456789",
            "sk_live_Zq8TestRk2mVx7LpT4nWc9Yb", // agentgate:allow: a fake key for this test
            "ghp_YourZq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1",
            "hunter2",
            "s3cr/et",
        ] {
            assert!(!is_placeholder(real), "{real}");
        }
    }

    #[test]
    fn structures() {
        assert!(jwt(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
        ));
        assert!(!jwt("eyJub3RoaW5nIjoxfQ.eyJzdWIiOiIxMjMifQ.c2ln"));
        assert!(aws_key_id("AKIAQ2RZ7XKM4VWJ5PLN")); // agentgate:allow (fake key id)
        assert!(!aws_key_id("AKIA0189QWERTYUIOPAS"));
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert!(decode_base64("a$b").is_none());
        assert!(validate("has-digit", "Zq8RkmVx") && !validate("has-digit", "ZqRkmVxL"));
        assert!(entropy("aaaa") < 0.1 && entropy("a8Zq2Lm9") > 2.9);
        assert!(
            is_placeholder("sk-your-key-here")
                && is_placeholder("xxxxxxxxxxxx")
                && !is_placeholder("Zq8Rk2mVx7Lp")
        );
    }
}
