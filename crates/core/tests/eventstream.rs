//! Event-stream framing: AWS's own encoded vectors (aws-c-event-stream
//! tests: the empty message, a `{'foo':'bar'}` payload, and the same with a
//! `content-type` string header), round trips of every header type, frames
//! split at every byte, CRC and length failures, and no panic on any bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use switchboard_core::eventstream::{
    encode, DecodeError, Decoder, EncodeError, Header, HeaderValue,
};

const EMPTY: [u8; 16] = [
    0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff,
];

fn foo_bar() -> Vec<u8> {
    let mut v = vec![
        0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a,
    ];
    v.extend_from_slice(b"{'foo':'bar'}");
    v.extend_from_slice(&[0xc3, 0x65, 0x39, 0x36]);
    v
}

fn foo_bar_with_header() -> Vec<u8> {
    let mut v = vec![
        0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20, 0x07, 0xFD, 0x83, 0x96, 0x0C,
    ];
    v.extend_from_slice(b"content-type");
    v.extend_from_slice(&[0x07, 0x00, 0x10]);
    v.extend_from_slice(b"application/json");
    v.extend_from_slice(b"{'foo':'bar'}");
    v.extend_from_slice(&[0x8D, 0x9C, 0x08, 0xB1]);
    v
}

/// Frames decoded from `bytes` pushed in pieces of `size`, as owned
/// (headers, payload), plus the first error.
#[allow(clippy::type_complexity)]
fn decode_all(
    bytes: &[u8],
    size: usize,
) -> (Vec<(Vec<(String, String)>, Vec<u8>)>, Option<DecodeError>) {
    let mut d = Decoder::default();
    let mut frames = Vec::new();
    for piece in bytes.chunks(size.max(1)) {
        d.push(piece);
        loop {
            match d.next_frame() {
                Ok(Some(f)) => frames.push((
                    f.headers()
                        .map(|h| (h.name.to_owned(), format!("{:?}", h.value)))
                        .collect(),
                    f.payload.to_vec(),
                )),
                Ok(None) => break,
                Err(e) => return (frames, Some(e)),
            }
        }
    }
    (frames, None)
}

#[test]
fn aws_vectors_encode_exactly() {
    assert_eq!(encode(&[], b"").unwrap(), EMPTY);
    assert_eq!(encode(&[], b"{'foo':'bar'}").unwrap(), foo_bar());
    let header = Header {
        name: "content-type",
        value: HeaderValue::String("application/json"),
    };
    assert_eq!(
        encode(&[header], b"{'foo':'bar'}").unwrap(),
        foo_bar_with_header()
    );
}

#[test]
fn aws_vectors_decode_at_every_split() {
    let mut all = EMPTY.to_vec();
    all.extend(foo_bar());
    all.extend(foo_bar_with_header());
    for size in 1..=all.len() {
        let (frames, error) = decode_all(&all, size);
        assert_eq!(error, None, "size {size}");
        assert_eq!(frames.len(), 3, "size {size}");
        assert_eq!(frames[0], (vec![], vec![]));
        assert_eq!(frames[1], (vec![], b"{'foo':'bar'}".to_vec()));
        assert_eq!(
            frames[2],
            (
                vec![(
                    "content-type".to_owned(),
                    "String(\"application/json\")".to_owned()
                )],
                b"{'foo':'bar'}".to_vec()
            )
        );
    }
}

#[test]
fn every_header_type_round_trips() {
    let uuid = [7u8; 16];
    let headers = [
        Header {
            name: "t",
            value: HeaderValue::Bool(true),
        },
        Header {
            name: "f",
            value: HeaderValue::Bool(false),
        },
        Header {
            name: "byte",
            value: HeaderValue::Byte(-5),
        },
        Header {
            name: "short",
            value: HeaderValue::Short(-300),
        },
        Header {
            name: "int",
            value: HeaderValue::Int(70_000),
        },
        Header {
            name: "long",
            value: HeaderValue::Long(-(1 << 40)),
        },
        Header {
            name: "bytes",
            value: HeaderValue::Bytes(&[0, 255, 1]),
        },
        Header {
            name: ":event-type",
            value: HeaderValue::String("contentBlockDelta"),
        },
        Header {
            name: "ts",
            value: HeaderValue::Timestamp(1_700_000_000_000),
        },
        Header {
            name: "uuid",
            value: HeaderValue::Uuid(uuid),
        },
    ];
    let bytes = encode(&headers, "payload é".as_bytes()).unwrap();
    for size in 1..=bytes.len() {
        let mut d = Decoder::default();
        let mut seen = 0;
        for piece in bytes.chunks(size) {
            d.push(piece);
            while let Some(frame) = d.next_frame().unwrap() {
                assert_eq!(frame.headers().collect::<Vec<_>>(), headers);
                assert_eq!(frame.payload, "payload é".as_bytes());
                assert_eq!(frame.header_str(":event-type"), Some("contentBlockDelta"));
                assert_eq!(frame.header_str("int"), None);
                seen += 1;
            }
        }
        assert_eq!((seen, d.pending()), (1, 0), "size {size}");
    }
}

#[test]
fn a_cut_frame_stays_pending() {
    let bytes = foo_bar();
    let mut d = Decoder::default();
    d.push(&bytes[..bytes.len() - 1]);
    assert_eq!(d.next_frame(), Ok(None));
    assert_eq!(d.pending(), bytes.len() - 1);
}

#[test]
fn crc_failures_are_detected() {
    // aws-c-event-stream's corrupted-prelude vector: one bit of the prelude CRC.
    let mut bad_prelude = EMPTY;
    bad_prelude[9] = 0xc3;
    assert_eq!(
        decode_all(&bad_prelude, 16).1,
        Some(DecodeError::PreludeCrc)
    );

    // Any flipped bit of the headers or payload breaks the message CRC.
    let good = foo_bar_with_header();
    for at in 12..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x10;
        for size in [1, 7, bad.len()] {
            let (frames, error) = decode_all(&bad, size);
            assert!(frames.is_empty(), "byte {at}");
            assert_eq!(
                error,
                Some(DecodeError::MessageCrc),
                "byte {at} size {size}"
            );
        }
    }
    // Flipped length bits break the prelude CRC before anything is trusted.
    for at in 0..8 {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        assert_eq!(
            decode_all(&bad, 3).1,
            Some(DecodeError::PreludeCrc),
            "byte {at}"
        );
    }
}

/// A prelude with a correct CRC for any lengths.
fn prelude(total: u32, headers: u32) -> Vec<u8> {
    let mut v = total.to_be_bytes().to_vec();
    v.extend_from_slice(&headers.to_be_bytes());
    let crc = crc(&v);
    v.extend_from_slice(&crc.to_be_bytes());
    v
}

/// CRC32 (IEEE), bit by bit: independent of the implementation under test.
fn crc(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A whole frame with valid CRCs around raw header bytes.
fn frame_with_raw_headers(headers: &[u8], payload: &[u8]) -> Vec<u8> {
    let total = 16 + headers.len() + payload.len();
    let mut v = prelude(total as u32, headers.len() as u32);
    v.extend_from_slice(headers);
    v.extend_from_slice(payload);
    let crc = crc(&v);
    v.extend_from_slice(&crc.to_be_bytes());
    v
}

#[test]
fn impossible_lengths_and_headers_are_errors() {
    assert_eq!(crc(b"123456789"), 0xCBF4_3926);
    assert_eq!(
        decode_all(&prelude(15, 0), 4).1,
        Some(DecodeError::BadLengths {
            total: 15,
            headers: 0
        })
    );
    assert_eq!(
        decode_all(&prelude(20, 5), 4).1,
        Some(DecodeError::BadLengths {
            total: 20,
            headers: 5
        })
    );
    assert_eq!(
        decode_all(&prelude(u32::MAX, 0), 12).1,
        Some(DecodeError::TooLarge {
            announced: u32::MAX,
            max: 16 * 1024 * 1024
        })
    );
    let bad_headers: [&[u8]; 6] = [
        &[1, b'a', 10],            // unknown type 10
        &[1, b'a', 7, 0, 5, b'x'], // string shorter than announced
        &[1, b'a', 7, 0, 1, 0xff], // string not UTF-8
        &[0, 0],                   // empty name
        &[5, b'a'],                // name cut short
        &[1, b'a', 4, 0, 0],       // integer cut short
    ];
    for raw in bad_headers {
        let bytes = frame_with_raw_headers(raw, b"{}");
        assert_eq!(
            decode_all(&bytes, 5).1,
            Some(DecodeError::BadHeaders),
            "{raw:?}"
        );
    }
}

#[test]
fn encoder_refuses_what_cannot_be_framed() {
    let long_name = "n".repeat(256);
    let long_value = "v".repeat(65_536);
    assert_eq!(
        encode(
            &[Header {
                name: &long_name,
                value: HeaderValue::Bool(true)
            }],
            b""
        ),
        Err(EncodeError::HeaderName)
    );
    assert_eq!(
        encode(
            &[Header {
                name: "",
                value: HeaderValue::Bool(true)
            }],
            b""
        ),
        Err(EncodeError::HeaderName)
    );
    assert_eq!(
        encode(
            &[Header {
                name: "v",
                value: HeaderValue::String(&long_value)
            }],
            b""
        ),
        Err(EncodeError::HeaderValue)
    );
    assert!(encode(
        &[Header {
            name: "v",
            value: HeaderValue::Bytes(&[0; 65_535])
        }],
        b""
    )
    .is_ok());
}

#[test]
fn bounded_decoder_accepts_up_to_its_bound() {
    let bytes = encode(&[], &[b'x'; 48]).unwrap();
    let mut exact = Decoder::new(64);
    exact.push(&bytes);
    assert!(exact.next_frame().unwrap().is_some());
    let mut small = Decoder::new(63);
    small.push(&bytes);
    assert!(matches!(
        small.next_frame(),
        Err(DecodeError::TooLarge { .. })
    ));
}

#[test]
fn no_panic_on_any_bytes() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let valid = foo_bar_with_header();
    for round in 0..3000 {
        let mut bytes = match round % 3 {
            0 => valid.clone(),
            1 => prelude((next() % 80) as u32, (next() % 80) as u32),
            _ => Vec::new(),
        };
        let extra = (next() % 64) as usize;
        bytes.extend((0..extra).map(|_| next() as u8));
        if !bytes.is_empty() && round % 2 == 0 {
            let at = (next() as usize) % bytes.len();
            bytes[at] ^= next() as u8;
        }
        let size = 1 + (next() % 9) as usize;
        let _ = decode_all(&bytes, size);
    }
}
