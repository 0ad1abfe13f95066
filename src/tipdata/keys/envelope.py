"""Envelope encryption and blind indexes, on plain bytes (no Django here).

Three layers of keys, so that no key that opens data ever sits in the database in the clear:

    master key (a file outside the database)
      └─ wraps each organisation key           (AES-256-GCM, AAD = "org:<slug>:<key id>")
           └─ wraps each person's data key      (AES-256-GCM, AAD = "person:<id>:<key id>")
                └─ encrypts that person's identifiers and narratives

Destroying a person's wrapped data key makes their ciphertexts unreadable for good, even
with the master key in hand (crypto-shredding). Rotating an organisation key re-wraps the
small data keys only; the ciphertexts stay as they are.

Field ciphertexts are text: ``v1.<data key id>.<base64(nonce || ciphertext+tag)>``. The
associated data binds a ciphertext to its record and field, so a value copied into another
record or field fails to decrypt instead of showing the wrong person's name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = "v1"


class MasterKeyError(Exception):
    """A key is missing, malformed or wrong; the message says which and what to do."""


class DecryptionError(Exception):
    """A ciphertext could not be opened with the key given (wrong key, or tampered data)."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_key_id() -> str:
    return secrets.token_hex(8)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def wrap(key: bytes, wrapping_key: bytes, context: str) -> bytes:
    """Encrypt a key under another; ``context`` is bound as associated data."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(wrapping_key).encrypt(nonce, key, context.encode())


def unwrap(blob: bytes, wrapping_key: bytes, context: str) -> bytes:
    try:
        return AESGCM(wrapping_key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError(f"cannot unwrap key ({context}): wrong wrapping key or damaged data") from exc


def encrypt_text(plaintext: str, data_key: bytes, key_id: str, aad: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), f"{key_id}|{aad}".encode())
    return f"{VERSION}.{key_id}.{_b64(nonce + sealed)}"


def ciphertext_key_id(token: str) -> str:
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionError("not a tipdata ciphertext (expected v1.<key id>.<data>)")
    return parts[1]


def decrypt_text(token: str, data_key: bytes, aad: str) -> str:
    key_id = ciphertext_key_id(token)
    blob = _unb64(token.split(".")[2])
    try:
        plain = AESGCM(data_key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], f"{key_id}|{aad}".encode())
    except InvalidTag as exc:
        raise DecryptionError(f"cannot decrypt value ({aad}): wrong key or the value was altered") from exc
    return plain.decode("utf-8")


def normalise_for_index(text: str) -> str:
    """Fold case, width and diacritics and collapse spaces, so exact search forgives typing."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or _is_script_mark(ch))
    return " ".join(unicodedata.normalize("NFC", stripped).replace("-", " ").split())


def _is_script_mark(ch: str) -> bool:
    # Thai, Lao, Khmer and Burmese vowels and tones are combining marks that carry meaning;
    # only Latin-script diacritics (Vietnamese tones, accents) are dropped.
    return not ("\u0300" <= ch <= "\u036f")


def blind_index(value: str, index_key: bytes, purpose: str) -> str:
    """A keyed hash of the normalised value: equal inputs match, nothing can be read back."""
    digest = hmac.new(index_key, f"{purpose}\x00{normalise_for_index(value)}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def name_tokens(value: str) -> list[str]:
    return [t for t in normalise_for_index(value).split(" ") if t]


def read_master_key(path: str | Path) -> bytes:
    """Read the master key file (base64 of 32 bytes); say clearly what is wrong with it."""
    file = Path(path)
    if not str(path):
        raise MasterKeyError("no master key configured: set TIPDATA_MASTER_KEY_FILE")
    if not file.is_file():
        raise MasterKeyError(f"master key file {file} does not exist: restore it from your backup or set TIPDATA_MASTER_KEY_FILE")
    try:
        key = _unb64(file.read_text().strip())
    except (ValueError, UnicodeDecodeError) as exc:
        raise MasterKeyError(f"master key file {file} is not a base64 key") from exc
    if len(key) != KEY_BYTES:
        raise MasterKeyError(f"master key file {file} holds {len(key)} bytes, expected {KEY_BYTES}")
    return key


def create_master_key_file(path: str | Path) -> bool:
    """Write a new master key if none exists (mode 0600). True when one was created."""
    file = Path(path)
    if file.exists():
        return False
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(_b64(new_key()) + "\n")
    return True
