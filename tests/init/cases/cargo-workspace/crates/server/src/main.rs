fn main() {
    let _ = std::net::TcpListener::bind("0.0.0.0:8080");
}
