//! The built-in rule set: `default-rules.toml`, compiled once per process, and the examples
//! that pin what each of its rules redacts and what it leaves alone.

use std::sync::OnceLock;

use super::rules::{Rule, RuleFile};

/// The built-in rule file, shipped inside the binary. It documents every field, so print it to
/// give users a starting point for their own.
pub const DEFAULT_RULES: &str = include_str!("default-rules.toml");

/// The built-in rules, compiled once per process.
pub(super) fn builtin_rules() -> &'static [Rule] {
    static BUILTIN: OnceLock<Vec<Rule>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        RuleFile::parse(DEFAULT_RULES, true)
            .map(|file| file.rules)
            .unwrap_or_else(|e| panic!("default-rules.toml is broken: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::super::rules::PLACEHOLDER_PREFIX;
    use super::super::{Counts, Scrubber};
    use super::*;

    /// A secret of each built-in rule's shape, and what it becomes. The secrets are split
    /// with `concat!` so that secret scanners do not flag this file.
    const REDACTED: &[(&str, &str, &str)] = &[
        (
            "private_key",
            concat!(
                "key:\n-----BEGIN RSA PRIVATE",
                " KEY-----\nMIIEowIBAAKCAQEAx7Jk3c9\nq+/Zt0=\n-----END RSA PRIVATE",
                " KEY-----\ndone"
            ),
            "key:\n[REDACTED:private_key]\ndone",
        ),
        (
            "aws_access_key_id",
            concat!("aws_access_key_id = AK", "IAIOSFODNN7EXAMPLE"),
            "aws_access_key_id = [REDACTED:aws_access_key_id]",
        ),
        (
            "aws_secret_access_key",
            concat!("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY\n"),
            "export AWS_SECRET_ACCESS_KEY=[REDACTED:aws_secret_key]\n",
        ),
        (
            "gcp_api_key",
            concat!("?key=AI", "zaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY&q=1"),
            "?key=[REDACTED:gcp_api_key]&q=1",
        ),
        (
            "azure_storage_key",
            concat!(
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=",
                "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;",
                "EndpointSuffix=core.windows.net"
            ),
            "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[REDACTED:azure_storage_key];EndpointSuffix=core.windows.net",
        ),
        (
            "azure_sas_signature",
            "https://acme.blob.core.windows.net/c/b.txt?sv=2022-11-02&sr=b&sig=Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA%3D",
            "https://acme.blob.core.windows.net/c/b.txt?sv=2022-11-02&sr=b&sig=[REDACTED:azure_sas_signature]",
        ),
        (
            "github_token",
            concat!("git push https://x-access-token:gh", "s_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r"),
            "git push https://x-access-token:[REDACTED:github_token]@github.com/o/r",
        ),
        (
            "gitlab_token",
            concat!("PRIVATE-TOKEN: gl", "pat-xYz12AbCdEfGhIjK3lMn"),
            "PRIVATE-TOKEN: [REDACTED:gitlab_token]",
        ),
        (
            "slack_token",
            concat!("SLACK_BOT=xo", "xb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"),
            "SLACK_BOT=[REDACTED:slack_token]",
        ),
        (
            "slack_webhook",
            concat!("curl -X POST https://hooks.slack", ".com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX -d @m.json"),
            "curl -X POST [REDACTED:slack_webhook] -d @m.json",
        ),
        (
            "anthropic_key",
            concat!("ANTHROPIC_API_KEY=sk-", "ant-api03-Abc123_def456-GHI789jkl012MNO345pqr"),
            "ANTHROPIC_API_KEY=[REDACTED:anthropic_key]",
        ),
        (
            "openai_key",
            concat!("client = OpenAI(api_key=\"sk-", "proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34\")"),
            "client = OpenAI(api_key=\"[REDACTED:openai_key]\")",
        ),
        (
            "huggingface_token",
            concat!("login(token='hf", "_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh')"),
            "login(token='[REDACTED:huggingface_token]')",
        ),
        (
            "stripe_key",
            concat!("stripe.api_key = \"sk", "_live_4eC39HqLyjWDarjtT1zdp7dc\""),
            "stripe.api_key = \"[REDACTED:stripe_key]\"",
        ),
        (
            "npm_token",
            concat!("//registry.npmjs.org/:_authToken=np", "m_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
            "//registry.npmjs.org/:_authToken=[REDACTED:npm_token]",
        ),
        (
            "jwt",
            concat!(
                "session=ey",
                "JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
                "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U; path=/"
            ),
            "session=[REDACTED:jwt]; path=/",
        ),
        (
            "url_password",
            "DATABASE_URL=postgres://app:s3cr3t@db.internal:5432/app",
            "DATABASE_URL=postgres://app:[REDACTED:url_password]@db.internal:5432/app",
        ),
        (
            "basic_auth",
            "-H 'Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l'",
            "-H 'Authorization: Basic [REDACTED:basic_auth]'",
        ),
        (
            "bearer_token",
            "-H \"Authorization: Bearer 9f8e7d6c5b4a39281706fedcba\"",
            "-H \"Authorization: Bearer [REDACTED:bearer_token]\"",
        ),
        (
            "secret_assignment",
            "export API_TOKEN=\"a8f5f167f44f4964e6c998dee827110c\"\nclient_secret: 9fK2mQ7xL4pR8sT1vW3yZ6aB\n-H 'X-API-Key: 7c4f0e2a9b1d8e3f6a5c' AZURE_STORAGE_KEY=Qm9vZ2llV29vZ2llMTIzNDU2",
            "export API_TOKEN=\"[REDACTED:secret]\"\nclient_secret: [REDACTED:secret]\n-H 'X-API-Key: [REDACTED:secret]' AZURE_STORAGE_KEY=[REDACTED:secret]",
        ),
        (
            "password_assignment",
            "db:\n  password: hunter2!x\n{\\\"password\\\": \\\"S3cure#Pass\\\"}",
            "db:\n  password: [REDACTED:password]\n{\\\"password\\\": \\\"[REDACTED:password]\\\"}",
        ),
        (
            "email",
            r#"{"user":{"email":"jane.doe+ci@mail.example.co.uk","id":7}}"#,
            r#"{"user":{"email":"[REDACTED:email]","id":7}}"#,
        ),
    ];

    /// Text that looks like each built-in rule's secrets but is not one.
    const LEFT_ALONE: &[(&str, &str)] = &[
        ("private_key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B\n-----END PUBLIC KEY-----\nkeep the private key in ~/.ssh\nconst BEGIN: &str = \"-----BEGIN PRIVATE KEY-----\";\nconst END: &str = \"-----END PRIVATE KEY-----\";"),
        ("aws_access_key_id", "AKIA marks long-term keys; AKIAFOO is too short; commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"),
        ("aws_secret_access_key", "aws_secret_access_key = ${AWS_SECRET}\nset AWS_SECRET_ACCESS_KEY in your shell"),
        ("gcp_api_key", "Google keys start with AIza; AIzaShort is not one"),
        ("azure_storage_key", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;AccountKey=<key>"),
        ("azure_sas_signature", "append &sig=<signature> to the URL; ?sig=abc"),
        ("github_token", "classic tokens start with ghp_ and fine-grained ones with github_pat_; ghp_short"),
        ("gitlab_token", "create a glpat- token in settings; glpat-short"),
        ("slack_token", "xoxo, the team; xoxb-123 is truncated"),
        ("slack_webhook", "see https://api.slack.com/messaging/webhooks and https://hooks.slack.com/services/"),
        ("anthropic_key", "Anthropic keys look like sk-ant-api03-..., never paste one"),
        ("openai_key", "a risk-averse plan; <div class=\"sk-spinner-fading-circle-animation\">; keys look like sk-..."),
        ("huggingface_token", "hf_hub_download(repo_id=\"gpt2\", filename=\"config.json\")"),
        ("stripe_key", "sk_live_ keys must never be committed; use sk_test_ in CI"),
        ("npm_token", "npm_config_cache=/tmp/npm-cache npm ci"),
        ("jwt", "payload eyJhbGciOiJIUzI1NiJ9 is base64 JSON; eyJ alone is nothing"),
        ("url_password", "postgres://app:${DB_PASSWORD}@db:5432/app https://example.com:8443/p@v2 ssh://git@github.com/o/r"),
        ("basic_auth", "Authorization: Basic $CREDENTIALS, or use basic auth"),
        ("bearer_token", "-H \"Authorization: Bearer $TOKEN\" / Bearer <token> / the bearer of bad news"),
        ("secret_assignment", "max_tokens = 4096\ntoken = get_token()\n\"token_type\": \"Bearer\"\ntokenizer=bert-base-uncased-v2\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\ncache_key = \"user_profile_12345678abc\"\n\"Key\": \"uploads/2024/05/file-123.png\"\nself.access_token = access_token\ncolon2_token: node.colon2_token,"),
        ("password_assignment", "password: ${PASSWORD}\nlogin(user=user, password=password)\ndef login(user: str, password: str):\npassword: \"********\"\npassword = form.password.data\npassword: <your password>\n\"@inquirer/password\": \"^4.0.23\"\nERR_PASSWORD = \"zipjs-abort-check-password\"\nif(e.password=e.rawPassword=null,t.password===void 0)\npassword: prompts_1.password,"),
        ("email", "ssh deploy@buildbox 'uptime'; git clone git@github.com:org/repo.git; icon@2x.png; @property; lodash@4.17.21"),
    ];

    /// Text no rule should touch: code, logs, prose, identifiers that resemble secrets.
    const CLEAN: &str = r#"commit 3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39
request_id=123e4567-e89b-12d3-a456-426614174000
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">
fn tokenize(text: &str) -> Vec<Token> { text.split_whitespace().map(Token::from).collect() }
2024-05-01T12:00:00Z INFO worker-3 processed 1024 tokens in 38ms (https://example.com/docs)
The agent ran `pytest -k test_login` and all 12 tests passed. 日本語のテキスト 🚀
"#;

    fn scrub(scrubber: &Scrubber, text: &str) -> (String, Counts) {
        let mut counts = Counts::default();
        let out = scrubber.scrub(text, &mut counts).into_owned();
        (out, counts)
    }

    fn is_borrowed(scrubber: &Scrubber, text: &str) -> bool {
        matches!(
            scrubber.scrub(text, &mut Counts::default()),
            Cow::Borrowed(_)
        )
    }

    #[test]
    fn default_rules_compile() {
        let file = RuleFile::parse(DEFAULT_RULES, true).unwrap();
        assert!(file.disable.is_empty());
        assert!(file.rules.len() >= 20);
        assert!(file.rules.iter().all(Rule::is_builtin));
    }

    #[test]
    fn every_builtin_rule_has_an_example_of_each_side() {
        for rule in Scrubber::builtin().rules() {
            assert!(
                REDACTED.iter().any(|(name, ..)| *name == rule.name()),
                "no secret example for {}",
                rule.name()
            );
            assert!(
                LEFT_ALONE.iter().any(|(name, _)| *name == rule.name()),
                "no look-alike example for {}",
                rule.name()
            );
        }
    }

    #[test]
    fn each_builtin_rule_redacts_its_secret_and_counts_it() {
        let scrubber = Scrubber::builtin();
        for (name, input, expected) in REDACTED {
            let (out, counts) = scrub(&scrubber, input);
            assert_eq!(out, *expected, "rule {name}");
            let kind = scrubber.rules().find(|r| r.name() == *name).unwrap().kind();
            assert!(counts.get(kind) >= 1, "rule {name}: counts {counts:?}");
            assert_eq!(
                counts.total(),
                expected.matches(PLACEHOLDER_PREFIX).count() as u64,
                "rule {name}"
            );
        }
    }

    #[test]
    fn each_builtin_rule_leaves_its_look_alikes_alone() {
        let scrubber = Scrubber::builtin();
        for (name, input) in LEFT_ALONE {
            let (out, counts) = scrub(&scrubber, input);
            assert_eq!(out, *input, "rule {name}");
            assert!(counts.is_empty(), "rule {name}: {counts:?}");
        }
    }

    #[test]
    fn clean_text_comes_back_borrowed() {
        let scrubber = Scrubber::builtin();
        assert!(is_borrowed(&scrubber, CLEAN));
        assert!(is_borrowed(&scrubber, ""));
        // Keywords present, no secret: still borrowed.
        assert!(is_borrowed(
            &scrubber,
            "@property\ndef tokens(self): return self.max_tokens"
        ));
    }

    #[test]
    fn scrubbing_is_idempotent() {
        let scrubber = Scrubber::builtin();
        for (name, input, _) in REDACTED {
            let (once, _) = scrub(&scrubber, input);
            assert!(is_borrowed(&scrubber, &once), "rule {name}: {once}");
        }
        // Mixtures: secrets glued to each other and to look-alikes in every order.
        let pieces: Vec<&str> = REDACTED
            .iter()
            .map(|(_, input, _)| *input)
            .chain(LEFT_ALONE.iter().map(|(_, input)| *input))
            .chain([
                "=",
                ":",
                "\"",
                " ",
                "@",
                "://",
                "\n",
                "TOKEN=",
                "password: ",
                "x",
                "日本語 🚀 é",
            ])
            .collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..6 {
                // xorshift64: deterministic, and enough to shuffle pieces together.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let (once, _) = scrub(&scrubber, &text);
            let (twice, counts) = scrub(&scrubber, &once);
            assert_eq!(twice, once, "from {text:?}");
            assert!(counts.is_empty());
        }
    }

    #[test]
    fn a_private_key_is_redacted_across_lines_escaped_or_truncated() {
        let scrubber = Scrubber::builtin();
        // The markers are split so that secret scanners do not flag this file.
        let (begin, end) = (
            concat!("-----BEGIN PRIVATE", " KEY-----"),
            concat!("-----END PRIVATE", " KEY-----"),
        );
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n";
        let pem = format!("{begin}\n{body}{end}\n");
        let (out, _) = scrub(&scrubber, &format!("$ cat key.pem\n{pem}$ ls"));
        assert_eq!(out, "$ cat key.pem\n[REDACTED:private_key]\n$ ls");
        // A service-account file read back as JSON: line breaks are `\n` escapes, and inside
        // a JSON string that is itself escaped, `\\n`.
        let json = format!(
            r#"{{"type": "service_account", "private_key": "{}", "client_email": "bot@proj.iam.gserviceaccount.com"}}"#,
            pem.replace('\n', "\\n")
        );
        let (out, counts) = scrub(&scrubber, &json);
        assert_eq!(
            out,
            r#"{"type": "service_account", "private_key": "[REDACTED:private_key]\n", "client_email": "[REDACTED:email]"}"#
        );
        assert_eq!(counts.get("private_key"), 1);
        let (out, _) = scrub(&scrubber, &json.replace('\\', "\\\\"));
        assert!(
            out.contains(r#""private_key": "[REDACTED:private_key]\\n""#),
            "{out}"
        );
        // An armoured PGP key, with a header line.
        let pgp = concat!(
            "-----BEGIN PGP PRIVATE KEY",
            " BLOCK-----\nComment: Alice <alice@example.org>\n\nlQOYBF0123abcdEFGH\n=Ab12\n",
            "-----END PGP PRIVATE KEY",
            " BLOCK-----"
        );
        assert_eq!(scrub(&scrubber, pgp).0, "[REDACTED:private_key]");
        // `head -3` of a key: no END line, the base64 still goes.
        let truncated = format!(
            "{}\n{body}$ echo",
            concat!("-----BEGIN OPENSSH PRIVATE", " KEY-----")
        );
        assert_eq!(
            scrub(&scrubber, &truncated).0,
            "[REDACTED:private_key]$ echo"
        );
    }
}
