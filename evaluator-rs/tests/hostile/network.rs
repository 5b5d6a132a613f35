// expect: passed
// No network: connecting anywhere fails (there is no interface but an unconfigured loopback).
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

fn main() {
    for addr in ["1.1.1.1:53", "8.8.8.8:443", "127.0.0.1:22"] {
        let addr: SocketAddr = addr.parse().unwrap();
        assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err(), "connected to {addr}");
    }
    let udp = UdpSocket::bind("0.0.0.0:0");
    if let Ok(sock) = udp {
        assert!(sock.send_to(b"x", "1.1.1.1:53").is_err(), "sent a datagram");
    }
}
