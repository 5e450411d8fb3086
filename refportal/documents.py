"""Small documents refportal hands out: the forms (DOCX), the electronic result (PDF) and its
detached CMS/PKCS#7 signature."""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from refportal.pki import Issued
from refportal.text import ascii_text

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')


def docx(paragraphs: list[tuple[str, bool]]) -> bytes:
    """A minimal Word document: (text, bold) paragraphs, in Unicode (Vietnamese kept as is)."""
    body = "".join(
        f'<w:p><w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for text, bold in paragraphs)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:body>{body}<w:sectPr/></w:body></w:document>')
    out = io.BytesIO()
    # fixed timestamps: the same form always has the same bytes
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", document)):
            z.writestr(zipfile.ZipInfo(name, date_time=(2018, 5, 11, 0, 0, 0)), text)
    return out.getvalue()


def form_document(portal_name: str, procedure_name: str, form_name: str, fields: list[str]) -> bytes:
    lines = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True), ("Độc lập - Tự do - Hạnh phúc", True), ("", False),
             (form_name.upper(), True), (f"(Thủ tục: {procedure_name})", False), ("", False),
             (f"Kính gửi: {portal_name}", False)]
    lines += [(f"{field}: ..............................................................", False) for field in fields]
    lines += [("", False), ("Tôi xin cam đoan những thông tin khai trên là đúng sự thật.", False),
              ("NGƯỜI YÊU CẦU (ký, ghi rõ họ tên)", True)]
    return docx(lines)


def _pdf_string(text: str) -> str:
    # the standard Helvetica font has no Vietnamese letters: write the text without diacritics
    return ascii_text(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with a title and lines of text; the cross-reference table is exact."""
    content = ["BT", "/F1 16 Tf", "56 780 Td", f"({_pdf_string(title)}) Tj", "/F1 11 Tf", "0 -30 Td"]
    for line in lines:
        content += [f"({_pdf_string(line)}) Tj", "0 -18 Td"]
    content.append("ET")
    stream = "\n".join(content).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        ("<< /Title (" + _pdf_string(title) + ") /Producer (refportal) >>").encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def sign_detached(data: bytes, signer: Issued) -> bytes:
    """A detached CMS (PKCS#7) signature, DER, over `data`, carrying the signing certificate."""
    return (pkcs7.PKCS7SignatureBuilder().set_data(data)
            .add_signer(signer.cert, signer.key, hashes.SHA256())
            .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
