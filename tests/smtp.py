"""A local mail server speaking enough SMTP for Django's SMTP backend, to test deliveries
against a real protocol: it refuses the first `failures` connections (421, "service not
available"), then accepts and keeps each message."""

import socketserver
import threading
from email import message_from_bytes, policy


class FakeSMTPServer:
    def __init__(self, *, failures: int = 0):
        self.failures = failures
        self.connections = 0
        self.messages = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self):
                server.connections += 1
                if server.connections <= server.failures:
                    self.reply("421 4.3.2 Service not available, try again later")
                    return
                self.reply("220 localhost ESMTP test")
                while line := self.rfile.readline():
                    command = line.decode().strip().upper()
                    if command.startswith("EHLO"):
                        self.reply("250-localhost")
                        self.reply("250 8BITMIME")
                    elif command.startswith("DATA"):
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        server.messages.append(message_from_bytes(data, policy=policy.default))
                        self.reply("250 2.0.0 Ok: queued")
                    elif command.startswith("QUIT"):
                        self.reply("221 2.0.0 Bye")
                        return
                    else:  # HELO, MAIL FROM, RCPT TO, RSET, NOOP
                        self.reply("250 2.0.0 Ok")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
