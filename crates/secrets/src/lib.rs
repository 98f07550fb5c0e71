//! Secrets that kreiskom must read back (a second factor's key, a platform's
//! access token) are stored sealed: XChaCha20-Poly1305 with the
//! installation's key from the config, a fresh random nonce per secret, and
//! what the secret belongs to as associated data, so a sealed value copied
//! to another account or column does not open. A copy of the database
//! alone opens nothing.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Marks the format, so a later scheme can tell old values apart.
const PREFIX: &str = "v1.";
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("Der Schlüssel (secret_key, KREISKOM_SECRET_KEY) muss 32 Bytes in Base64 sein, z. B. aus `openssl rand -base64 32`.")]
    BadKey,
    /// Wrong key, changed value, or sealed for something else.
    #[error("Das Geheimnis lässt sich mit diesem Schlüssel nicht öffnen.")]
    Unreadable,
}

/// The installation's key. Never printed.
#[derive(Clone)]
pub struct SecretKey(XChaCha20Poly1305);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl SecretKey {
    /// From the config's Base64 text.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| SecretError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| SecretError::BadKey)?;
        Ok(Self(XChaCha20Poly1305::new(&key.into())))
    }

    /// A random key for a run that keeps nothing (the demo).
    pub fn ephemeral() -> Self {
        Self(XChaCha20Poly1305::new(&XChaCha20Poly1305::generate_key(
            &mut OsRng,
        )))
    }

    /// Seals `secret` for `context` (e.g. "second_factor:anna@example.org").
    pub fn seal(&self, context: &str, secret: &[u8]) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: secret,
                    aad: context.as_bytes(),
                },
            )
            .expect("encryption of a short secret cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens what [`seal`](Self::seal) made for the same `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, SecretError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(SecretError::Unreadable)?;
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        self.0
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SecretError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_context() {
        let key = SecretKey::parse(KEY).unwrap();
        let sealed = key.seal("second_factor:anna@example.org", b"JBSWY3DPEHPK3PXP");
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open("second_factor:anna@example.org", &sealed).unwrap(),
            b"JBSWY3DPEHPK3PXP"
        );
        assert_eq!(
            key.open("second_factor:bernd@example.org", &sealed),
            Err(SecretError::Unreadable)
        );
        assert_eq!(
            SecretKey::ephemeral().open("second_factor:anna@example.org", &sealed),
            Err(SecretError::Unreadable)
        );
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed[PREFIX.len()..]).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let changed = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
        assert_eq!(
            key.open("second_factor:anna@example.org", &changed),
            Err(SecretError::Unreadable)
        );
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        let key = SecretKey::parse(KEY).unwrap();
        assert_ne!(key.seal("c", b"x"), key.seal("c", b"x"));
    }

    #[test]
    fn keys_of_the_wrong_length_or_not_base64_are_refused() {
        assert_eq!(SecretKey::parse("kurz").unwrap_err(), SecretError::BadKey);
        assert_eq!(
            SecretKey::parse("MDEyMzQ1Njc4OWFiY2RlZg==").unwrap_err(),
            SecretError::BadKey
        );
        assert!(format!("{:?}", SecretKey::parse(KEY).unwrap()).contains("***"));
    }
}
