use std::io::Write;
use std::net::TcpListener;

fn main() {
    let listener = TcpListener::bind("0.0.0.0:7878").expect("bind");
    for stream in listener.incoming().flatten() {
        let mut s = stream;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\n\r\nhi\n");
    }
}
