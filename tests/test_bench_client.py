"""The HTTP client of `make bench` and `make loadtest` against a server that breaks off: a
streamed download cut off mid-body is a failed request (status 0, the reason kept), never an
exception that ends a simulated user's thread and its share of the load unnoticed."""

from __future__ import annotations

import socket
import threading

from bench.client import Session

# The headers and the first chunk of a chunked CSV; the whole answer adds a row and the end.
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"d\r\nmission,year\n\r\n"
)


def test_a_download_cut_off_mid_body_is_a_failed_request_not_an_exception():
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    answers = [HEAD, HEAD + b"6\r\nAsp,2\n\r\n0\r\n\r\n"]

    def serve() -> None:
        for answer in answers:
            connection, _address = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(answer)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        session = Session(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=5)
        cut = session.get("/reports/contributions/?format=csv")
        whole = session.get("/reports/contributions/?format=csv")
    finally:
        server.join(5)
        listener.close()
    assert (cut.status, cut.error) == (0, "IncompleteRead(0 bytes read)")
    assert (whole.status, whole.error, whole.body) == (200, "", b"mission,year\nAsp,2\n")
