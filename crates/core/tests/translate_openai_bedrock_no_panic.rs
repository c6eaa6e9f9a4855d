//! No public Bedrock function panics, whatever the bytes: request, response
//! and error translation, the stream translator (binary frames, mutated and
//! split at random), SigV4 signing and date formatting. Inputs are mutations
//! of realistic bodies from a fixed seed, so a failure reproduces.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

use switchboard_core::eventstream::{encode, Header, HeaderValue};
use switchboard_core::sigv4::{
    amz_date, bedrock_region_from_host, canonical_request, sign, SignOptions, SigningInput,
};
use switchboard_core::translate::{
    stream_translator, translate_error, translate_request, translate_response_at, ProviderSchema,
    StreamContext, TargetModel,
};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Flips, inserts, deletes, truncates and splices bytes.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.insert(at, rng.next() as u8),
            2 if at < v.len() => {
                v.remove(at);
            }
            3 => v.truncate(at),
            4 => {
                let pieces: [&[u8]; 7] = [b"{", b"}", b"[", b"\"", b":", b",", b"null"];
                let chunk = pieces[rng.below(7)].to_vec();
                v.splice(at..at, chunk);
            }
            _ => v.insert(at, [0xFF, 0xC3, b'\\', 0][rng.below(4)]),
        }
    }
    v
}

fn fixtures(prefix: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_bedrock");
    let mut out: Vec<Vec<u8>> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with(prefix) && name.contains(".in.")
        })
        .map(|p| fs::read(p).unwrap())
        .collect();
    out.sort();
    assert!(!out.is_empty());
    out
}

const TARGETS: [TargetModel<'static>; 3] = [
    TargetModel {
        upstream_model: "anthropic.claude-sonnet-4-5-v1:0",
        default_max_tokens: 1024,
    },
    TargetModel {
        upstream_model: "amazon.nova-pro-v1:0",
        default_max_tokens: 0,
    },
    TargetModel {
        upstream_model: "",
        default_max_tokens: u32::MAX,
    },
];

#[test]
fn requests_never_panic() {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    for seed in fixtures("request.") {
        for _ in 0..150 {
            let bytes = mutate(&mut rng, &seed);
            for target in &TARGETS {
                if let Ok(req) = translate_request(ProviderSchema::Bedrock, &bytes, target) {
                    assert!(req.path_suffix.starts_with("/model/"));
                    serde_json::from_slice::<serde_json::Value>(&req.body).unwrap();
                }
            }
        }
    }
}

#[test]
fn responses_and_errors_never_panic() {
    let mut rng = Rng(0x0F0E_0D0C_0B0A_0908);
    let mut seeds = fixtures("response.");
    seeds.extend(fixtures("error."));
    for seed in seeds {
        for _ in 0..200 {
            let bytes = mutate(&mut rng, &seed);
            if let Ok(Some(body)) =
                translate_response_at(ProviderSchema::Bedrock, &bytes, "m", u64::MAX)
            {
                serde_json::from_slice::<serde_json::Value>(&body).unwrap();
            }
            let status = [
                0,
                200,
                400,
                403,
                404,
                408,
                424,
                429,
                500,
                503,
                599,
                u16::MAX,
            ][rng.below(12)];
            let error = translate_error(ProviderSchema::Bedrock, status, &bytes);
            let v: serde_json::Value = serde_json::from_slice(&error).unwrap();
            assert!(v["error"]["message"].is_string() && v["error"]["code"].is_string());
        }
    }
}

fn frame(kind: &str, payload: &str) -> Vec<u8> {
    encode(
        &[
            Header {
                name: ":event-type",
                value: HeaderValue::String(kind),
            },
            Header {
                name: ":message-type",
                value: HeaderValue::String("event"),
            },
        ],
        payload.as_bytes(),
    )
    .unwrap()
}

#[test]
fn streams_never_panic_and_always_close() {
    let events = [
        ("messageStart", r#"{"role":"assistant"}"#),
        (
            "contentBlockStart",
            r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t","name":"f"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\":"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"hi"}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"delta":{"reasoningContent":{"text":"r"}}}"#,
        ),
        ("contentBlockStop", r#"{"contentBlockIndex":0}"#),
        ("messageStop", r#"{"stopReason":"tool_use"}"#),
        (
            "metadata",
            r#"{"usage":{"inputTokens":1,"outputTokens":2}}"#,
        ),
    ];
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    for round in 0..2000 {
        let mut body = Vec::new();
        for _ in 0..rng.below(10) {
            let (kind, payload) = events[rng.below(events.len())];
            let payload = if round % 3 == 0 {
                String::from_utf8_lossy(&mutate(&mut rng, payload.as_bytes())).into_owned()
            } else {
                payload.to_owned()
            };
            body.extend(frame(kind, &payload));
        }
        if round % 2 == 1 {
            body = mutate(&mut rng, &body);
        }
        let mut t = stream_translator(
            ProviderSchema::Bedrock,
            StreamContext {
                served_as: "m".to_owned(),
                created: rng.next(),
                client_wants_usage: round % 4 != 0,
            },
        );
        let mut out = Vec::new();
        let mut rest = body.as_slice();
        while !rest.is_empty() {
            let (piece, tail) = rest.split_at(rng.below(rest.len() + 1).max(1).min(rest.len()));
            t.on_chunk(piece, &mut out);
            rest = tail;
        }
        t.on_end(&mut out);
        let _ = t.usage();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("data: [DONE]\n\n"), "round {round}: {text}");
        assert_eq!(text.matches("data: [DONE]").count(), 1, "round {round}");
    }
}

#[test]
fn signing_never_panics() {
    let mut rng = Rng(42);
    let odd = [
        "", "/", "%", "%%zz", "a b", "ü/ß", "//x//", "?=&", "\u{0}", "%E1%88",
    ];
    for _ in 0..2000 {
        let mut pick = || odd[rng.below(odd.len())];
        let (path, query, host, date, region) = (pick(), pick(), pick(), pick(), pick());
        let headers = [(pick(), pick()), ("Host", "evil"), ("X-Amz-Date", "x")];
        let input = SigningInput {
            method: pick(),
            host,
            path,
            query,
            headers_to_sign: &headers,
            body: path.as_bytes(),
            region,
            access_key_id: pick(),
            secret_access_key: pick(),
            session_token: Some(pick()),
            amz_date: date,
        };
        let signed = sign(&input);
        assert!(signed
            .authorization
            .starts_with("AWS4-HMAC-SHA256 Credential="));
        let _ = canonical_request(
            &input,
            &SignOptions {
                service: "",
                sign_content_sha256: false,
            },
        );
        let _ = bedrock_region_from_host(host);
        let _ = amz_date(rng.next());
    }
}
