//! Reading a SQLCipher file's pages ourselves, below SQLite: every page of the file,
//! live or free, decrypted with the raw key. What SQLite would not show (free pages, the
//! unused space inside a page, old page images in a WAL) is here.
//!
//! SQLCipher 4 defaults, as Rapport uses them (a raw 32-byte key, so no KDF for the
//! encryption key): pages of 4096 bytes; each ends with a 80-byte reserve holding a
//! 16-byte IV and a 64-byte HMAC-SHA512; the rest is AES-256-CBC under the key, except
//! the first 16 bytes of page 1, which are the database salt in the clear.

use aes::cipher::{BlockDecryptMut, KeyIvInit};

pub const PAGE: usize = 4096;
const RESERVE: usize = 80;
const IV: usize = 16;

type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// One encrypted page → its plaintext (the reserve is dropped). `first` = page 1.
fn decrypt_page(key: &[u8; 32], page: &[u8], first: bool) -> Vec<u8> {
    assert_eq!(page.len(), PAGE);
    let start = if first { 16 } else { 0 };
    let iv = &page[PAGE - RESERVE..PAGE - RESERVE + IV];
    let mut data = page[start..PAGE - RESERVE].to_vec();
    let dec = Aes256CbcDec::new(key.into(), iv.into());
    dec.decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut data)
        .expect("a whole number of AES blocks");
    data
}

pub fn key_from_hex(hex_key: &str) -> [u8; 32] {
    let mut k = [0u8; 32];
    hex::decode_to_slice(hex_key, &mut k).expect("a 32-byte hex key");
    k
}

/// Every page of a database file, decrypted and concatenated.
pub fn decrypt_db(key: &[u8; 32], file: &[u8]) -> Vec<u8> {
    assert_eq!(file.len() % PAGE, 0, "not a whole number of pages");
    let mut out = Vec::with_capacity(file.len());
    for (i, page) in file.chunks(PAGE).enumerate() {
        let plain = decrypt_page(key, page, i == 0);
        if i == 0 {
            // The rest of the SQLite header, after where the magic string would be: the
            // page size (big-endian) and the reserve. Proves the key and layout are right.
            assert_eq!(&plain[0..2], &(PAGE as u16).to_be_bytes(), "page 1 did not decrypt");
            assert_eq!(plain[4] as usize, RESERVE, "unexpected page reserve");
        }
        out.extend_from_slice(&plain);
    }
    out
}

/// Every frame of a WAL file (32-byte header, then 24-byte frame headers each followed
/// by an encrypted page), decrypted and concatenated.
pub fn decrypt_wal(key: &[u8; 32], wal: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if wal.len() < 32 {
        return out;
    }
    for frame in wal[32..].chunks(24 + PAGE).filter(|f| f.len() == 24 + PAGE) {
        let page_no = u32::from_be_bytes(frame[0..4].try_into().unwrap());
        out.extend_from_slice(&decrypt_page(key, &frame[24..], page_no == 1));
    }
    out
}
