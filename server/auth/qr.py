"""The QR of an enrolment code, drawn as SVG on the server (segno: pure Python, no JS)."""

import io

# The phone opens the app at its enrolment screen with the code filled in (pwa: #/enrol/…).
ENROL_PATH = "#/enrol/"


def enrolment_qr(host_url: str, code: str) -> tuple[str, str]:
    """Return the enrolment link of a code and its QR as an SVG document."""
    import segno  # imported by the processes that draw a code, not by every server process

    url = host_url.rstrip("/") + "/" + ENROL_PATH + code
    qr = segno.make_qr(url, error="m")
    buffer = io.BytesIO()
    # A whole document with its namespace: the app shows it as an image, never as markup.
    qr.save(buffer, kind="svg", scale=6, border=4, xmldecl=False, nl=False, title="QR")
    return url, buffer.getvalue().decode()
