//! An SMTP sink for `bench/mail`: accepts every message, keeps none, and
//! exits once it has received the number it was told, printing how many
//! arrived. A thread per connection, as a mail client opens only a few.
//!
//! `smtp-sink PORT EXPECTED`
//!
//! It answers like a real server, with Linux's delayed ACKs left on, so a
//! client that waits for them (Nagle without TCP_NODELAY) shows in the
//! figures.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("PORT");
    let expected: usize = args.next().and_then(|n| n.parse().ok()).expect("EXPECTED");
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    let received = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming().flatten() {
        let received = received.clone();
        std::thread::spawn(move || {
            let _ = session(stream, &received, expected);
        });
    }
}

fn session(stream: TcpStream, received: &AtomicUsize, expected: usize) -> std::io::Result<()> {
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
