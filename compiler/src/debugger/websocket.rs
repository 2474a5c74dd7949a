//! The server side of RFC 6455, as much as a DevTools client uses: the
//! opening handshake, text frames (fragmented or not) in, text frames out,
//! ping/pong and close. Clients mask what they send; servers never do.

use std::io::{self, Read, Write};

use base64::Engine as _;
use sha1::{Digest, Sha1};

/// The value of `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
pub fn accept_key(key: &str) -> String {
    const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    let mut sha = Sha1::new();
    sha.update(key.trim().as_bytes());
    sha.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

/// Messages bigger than this close the connection (a DevTools message is a
/// few KiB; a script source can be MiBs, but those only go out).
const MAX_MESSAGE: usize = 64 << 20;

pub enum Incoming {
    Text(String),
    Closed,
}

/// Reads the next message, answering pings on `out` as it goes.
pub fn read_message(input: &mut impl Read, out: &mut impl Write) -> io::Result<Incoming> {
    let mut message = Vec::new();
    loop {
        let mut head = [0u8; 2];
        if let Err(e) = input.read_exact(&mut head) {
            return match e.kind() {
                io::ErrorKind::UnexpectedEof => Ok(Incoming::Closed),
                _ => Err(e),
            };
        }
        let fin = head[0] & 0x80 != 0;
        let opcode = head[0] & 0x0f;
        let masked = head[1] & 0x80 != 0;
        let len = match head[1] & 0x7f {
            126 => {
                let mut b = [0u8; 2];
                input.read_exact(&mut b)?;
                u16::from_be_bytes(b) as u64
            }
            127 => {
                let mut b = [0u8; 8];
                input.read_exact(&mut b)?;
                u64::from_be_bytes(b)
            }
            n => n as u64,
        };
        if len as usize > MAX_MESSAGE || message.len() + len as usize > MAX_MESSAGE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a WebSocket message over 64 MiB",
            ));
        }
        let mut mask = [0u8; 4];
        if masked {
            input.read_exact(&mut mask)?;
        }
        let mut payload = vec![0u8; len as usize];
        input.read_exact(&mut payload)?;
        if masked {
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
        }
        match opcode {
            // Continuation, text, binary.
            0..=2 => {
                message.extend_from_slice(&payload);
                if fin {
                    return Ok(Incoming::Text(
                        String::from_utf8_lossy(&message).into_owned(),
                    ));
                }
            }
            8 => {
                let _ = write_frame(out, 8, &payload);
                return Ok(Incoming::Closed);
            }
            9 => write_frame(out, 10, &payload)?,
            _ => {}
        }
    }
}

/// Writes one unmasked frame.
pub fn write_frame(out: &mut impl Write, opcode: u8, payload: &[u8]) -> io::Result<()> {
    let mut head = Vec::with_capacity(10);
    head.push(0x80 | opcode);
    match payload.len() {
        n if n < 126 => head.push(n as u8),
        n if n <= u16::MAX as usize => {
            head.push(126);
            head.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            head.push(127);
            head.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.write_all(&head)?;
    out.write_all(payload)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_is_rfc_6455s_example() {
        // The example handshake of RFC 6455, section 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn masked_fragments_make_one_message() {
        let mut wire = Vec::new();
        let mask = [1u8, 2, 3, 4];
        for (i, part) in [&b"hel"[..], &b"lo"[..]].iter().enumerate() {
            let fin = if i == 1 { 0x80 } else { 0 };
            let opcode = if i == 0 { 1 } else { 0 };
            wire.push(fin | opcode);
            wire.push(0x80 | part.len() as u8);
            wire.extend_from_slice(&mask);
            wire.extend(part.iter().enumerate().map(|(j, b)| b ^ mask[j % 4]));
        }
        let mut out = Vec::new();
        match read_message(&mut &wire[..], &mut out).unwrap() {
            Incoming::Text(t) => assert_eq!(t, "hello"),
            Incoming::Closed => panic!("closed"),
        }
    }
}
