# A tiny HTTP/1.1 responder on the standard library's sockets: answers every
# request with a greeting from the vendored gem.
require "socket"
require "greeting"

port = Integer(ENV.fetch("PORT", "8080"))
server = TCPServer.new("0.0.0.0", port)
$stdout.sync = true
puts "listening on port #{port}"

loop do
  client = server.accept
  Thread.new(client) do |c|
    begin
      request = c.gets
      while (line = c.gets) && line != "\r\n"
      end
      body = "#{Greeting.hello('ruby ' + RUBY_VERSION)}\n"
      c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" \
              "Content-Length: #{body.bytesize}\r\nConnection: close\r\n\r\n#{body}")
      puts request.to_s.strip
    rescue StandardError => e
      warn "error: #{e.message}"
    ensure
      c.close
    end
  end
end
