//! An SMTP sink for `bench/mail`: accepts every message, keeps none, and
//! exits once it has received the number it was told, printing how many
//! arrived. A thread per connection, as a mail client opens only a few.
//!
//! `smtp-sink PORT EXPECTED [quick-ack]`
//!
//! With `quick-ack` it acknowledges every segment at once instead of
//! delaying the ACK, which takes the 40 ms Nagle stall of a client without
//! TCP_NODELAY (lettre 0.11.23) out of the figures: what kreiskom's own
//! pipeline manages.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("PORT");
    let expected: usize = args.next().and_then(|n| n.parse().ok()).expect("EXPECTED");
    let quick_ack = args.next().as_deref() == Some("quick-ack");
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    let received = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming().flatten() {
        let received = received.clone();
        std::thread::spawn(move || {
            let _ = session(stream, &received, expected, quick_ack);
        });
    }
}

fn session(
    stream: TcpStream,
    received: &AtomicUsize,
    expected: usize,
    quick_ack: bool,
) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => out.write_all(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "DATA" => {
                out.write_all(b"354 go ahead\r\n")?;
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if quick_ack {
                        acknowledge_now(&out);
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                }
                out.write_all(b"250 queued\r\n")?;
                let n = received.fetch_add(1, Ordering::SeqCst) + 1;
                if n == expected {
                    println!("{n} Nachrichten empfangen");
                    std::process::exit(0);
                }
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"250 ok\r\n")?,
        }
    }
}

/// Linux resets TCP_QUICKACK after a while, so it is set again per read.
fn acknowledge_now(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let one: libc::c_int = 1;
    // SAFETY: a valid socket and a c_int option of the size given.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}
