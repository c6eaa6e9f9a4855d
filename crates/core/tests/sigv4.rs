//! SigV4 against AWS's published test suite (`aws-sig-v4-test-suite`, the
//! "Signature Version 4 test suite" of the AWS General Reference: service
//! `service`, region `us-east-1`, key `AKIDEXAMPLE`, date
//! `20150830T123600Z`), then the Bedrock specifics: service `bedrock`, the
//! body hash signed, the session token signed, and a model id with `:` signed
//! with its path segment encoded twice (pitfall 17).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use switchboard_core::sigv4::{
    amz_date, canonical_request, sign, sign_with, SignOptions, SigningInput,
};
use switchboard_core::translate::openai_bedrock;
use switchboard_core::translate::TargetModel;

const KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const DATE: &str = "20150830T123600Z";
const SUITE: SignOptions<'static> = SignOptions {
    service: "service",
    sign_content_sha256: false,
};

fn suite_input<'a>(
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a [(&'a str, &'a str)],
) -> SigningInput<'a> {
    SigningInput {
        method,
        host: "example.amazonaws.com",
        path,
        query,
        headers_to_sign: headers,
        body: b"",
        region: "us-east-1",
        access_key_id: KEY_ID,
        secret_access_key: SECRET,
        session_token: None,
        amz_date: DATE,
    }
}

fn authz(signed_headers: &str, signature: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
         SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// (case, method, path, query, extra headers, signed headers, signature)
type Vector = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

const VECTORS: &[Vector] = &[
    (
        "get-vanilla",
        "GET",
        "/",
        "",
        &[],
        "host;x-amz-date",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ),
    (
        "post-vanilla",
        "POST",
        "/",
        "",
        &[],
        "host;x-amz-date",
        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    ),
    (
        "get-vanilla-query-order-key-case",
        "GET",
        "/",
        "Param2=value2&Param1=value1",
        &[],
        "host;x-amz-date",
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ),
    (
        "get-vanilla-query-order-value",
        "GET",
        "/",
        "Param1=value2&Param1=value1",
        &[],
        "host;x-amz-date",
        "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694",
    ),
    (
        "get-vanilla-query-unreserved",
        "GET",
        "/",
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        &[],
        "host;x-amz-date",
        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
    ),
    (
        "get-vanilla-utf8-query",
        "GET",
        "/",
        "\u{1234}=bar",
        &[],
        "host;x-amz-date",
        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
    ),
    (
        "post-vanilla-query",
        "POST",
        "/",
        "Param1=value1",
        &[],
        "host;x-amz-date",
        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
    ),
    (
        "get-unreserved",
        "GET",
        "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "",
        &[],
        "host;x-amz-date",
        "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
    ),
    (
        "get-utf8",
        "GET",
        "/\u{1234}",
        "",
        &[],
        "host;x-amz-date",
        "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
    ),
    (
        "get-header-value-trim",
        "GET",
        "/",
        "",
        &[("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
        "host;my-header1;my-header2;x-amz-date",
        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    ),
    (
        "get-header-value-order",
        "GET",
        "/",
        "",
        &[
            ("My-Header1", "value4"),
            ("My-Header1", "value1"),
            ("My-Header1", "value3"),
            ("My-Header1", "value2"),
        ],
        "host;my-header1;x-amz-date",
        "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
    ),
    (
        "get-header-key-duplicate",
        "GET",
        "/",
        "",
        &[
            ("My-Header1", "value2"),
            ("My-Header1", "value2"),
            ("My-Header1", "value1"),
        ],
        "host;my-header1;x-amz-date",
        "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
    ),
    (
        "post-header-key-sort",
        "POST",
        "/",
        "",
        &[("My-Header1", "value1")],
        "host;my-header1;x-amz-date",
        "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
    ),
    (
        "post-header-value-case",
        "POST",
        "/",
        "",
        &[("My-Header1", "VALUE1")],
        "host;my-header1;x-amz-date",
        "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
    ),
    (
        "post-x-www-form-urlencoded-parameters (the canonical query of the suite's .creq)",
        "POST",
        "/",
        "Param1=value1",
        &[(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        "content-type;host;x-amz-date",
        "ad1ac0c5fa1793b9b9d23894903b9ce84044d014533a633091e12c840473b393",
    ),
];

#[test]
fn aws_published_test_vectors() {
    let mut failures = Vec::new();
    for &(case, method, path, query, headers, signed, signature) in VECTORS {
        let input = suite_input(method, path, query, headers);
        let got = sign_with(&input, &SUITE);
        let want = authz(signed, signature);
        if got.authorization != want {
            failures.push(format!(
                "{case}\n  want {want}\n  got  {}\n--- canonical request\n{}",
                got.authorization,
                canonical_request(&input, &SUITE)
            ));
        }
        assert_eq!(got.x_amz_date, DATE);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn get_vanilla_canonical_request_matches_the_suite() {
    let input = suite_input("GET", "/", "", &[]);
    assert_eq!(
        canonical_request(&input, &SUITE),
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
         host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn session_token_is_signed_post_sts_header_before() {
    const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    let mut input = suite_input("POST", "/", "", &[]);
    input.session_token = Some(TOKEN);
    let got = sign_with(&input, &SUITE);
    assert_eq!(
        got.authorization,
        authz(
            "host;x-amz-date;x-amz-security-token",
            "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
        )
    );
    assert_eq!(got.x_amz_security_token.as_deref(), Some(TOKEN));
    assert!(got.pairs().contains(&("x-amz-security-token", TOKEN)));
}

fn bedrock_input<'a>(path: &'a str, body: &'a [u8]) -> SigningInput<'a> {
    SigningInput {
        method: "POST",
        host: "bedrock-runtime.us-east-1.amazonaws.com",
        path,
        query: "",
        headers_to_sign: &[("content-type", "application/json")],
        body,
        region: "us-east-1",
        access_key_id: KEY_ID,
        secret_access_key: SECRET,
        session_token: None,
        amz_date: "20260101T000000Z",
    }
}

#[test]
fn bedrock_signs_service_bedrock_and_the_body_hash() {
    let body = br#"{"messages":[]}"#;
    let signed = sign(&bedrock_input("/model/m/converse", body));
    assert!(signed
        .authorization
        .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature="));
    assert_eq!(signed.x_amz_content_sha256.len(), 64);
    assert!(!signed.authorization.contains(SECRET));
    // Any change to the body changes the signature.
    let other = sign(&bedrock_input("/model/m/converse", br#"{"messages":[1]}"#));
    assert_ne!(signed.authorization, other.authorization);
    assert_eq!(signed.x_amz_security_token, None);
    assert_eq!(signed.pairs().len(), 3);
}

#[test]
fn model_ids_are_encoded_once_in_the_url_and_twice_when_signed() {
    let target = TargetModel {
        upstream_model: "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-v1:0",
        default_max_tokens: 0,
    };
    let req = openai_bedrock::request(
        br#"{"model":"x","messages":[{"role":"user","content":"hi"}]}"#,
        &target,
    )
    .unwrap();
    let path = req.path_suffix.as_str();
    assert_eq!(
        path,
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-sonnet-4-5-v1%3A0/converse"
    );
    let canonical = canonical_request(
        &bedrock_input(path, &req.body),
        &SignOptions {
            service: "bedrock",
            sign_content_sha256: true,
        },
    );
    let uri = canonical.lines().nth(1).unwrap();
    assert_eq!(
        uri,
        "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123456789012%253Ainference-profile%252Fus.anthropic.claude-sonnet-4-5-v1%253A0/converse"
    );
    // The once-encoded form is not what is signed.
    assert!(!canonical.contains("%3A"));
}

#[test]
fn amz_date_formats_the_suite_time() {
    assert_eq!(amz_date(1_440_938_160_000), DATE);
    assert_eq!(amz_date(1_440_938_160_999), DATE);
}
