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

/// Placeholders, references and dummy values are not secrets.
pub fn is_placeholder(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "example",
        "xxxx",
        "placeholder",
        "your",
        "changeme",
        "change_me",
        "dummy",
        "sample",
        "redacted",
        "test",
        "fake",
        "<",
        ">",
        "${",
        "{{",
        "$(",
        "%s",
        "****",
        "....",
        "process.env",
        "os.environ",
        "getenv",
        "env(",
        "secrets.",
    ];
    if MARKERS.iter().any(|m| lower.contains(m)) {
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
    let first = secret.chars().next().unwrap_or(' ');
    if secret.chars().all(|c| c == first) {
        return true;
    }
    // Runs such as 0123456789 or abcdefgh.
    const RUNS: &[&str] = &["0123456789", "123456789", "abcdefgh", "qwertyui"];
    RUNS.iter().any(|r| lower.contains(r))
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
    fn structures() {
        assert!(jwt(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
        ));
        assert!(!jwt("eyJub3RoaW5nIjoxfQ.eyJzdWIiOiIxMjMifQ.c2ln"));
        assert!(aws_key_id("AKIAQ2RZ7XKM4VWJ5PLN")); // agentgate:allow (fake key id)
        assert!(!aws_key_id("AKIA0189QWERTYUIOPAS"));
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert!(decode_base64("a$b").is_none());
        assert!(entropy("aaaa") < 0.1 && entropy("a8Zq2Lm9") > 2.9);
        assert!(
            is_placeholder("sk-your-key-here")
                && is_placeholder("xxxxxxxxxxxx")
                && !is_placeholder("Zq8Rk2mVx7Lp")
        );
    }
}
