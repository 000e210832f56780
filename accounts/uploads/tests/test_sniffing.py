import pytest

from accounts.uploads.sniffing import ContentRefused, check_content, sniff

from .conftest import jpeg_bytes, pdf_bytes, png_bytes, zip_bytes


def test_sniff_reads_the_type_from_the_content():
    assert sniff(png_bytes()) == "png"
    assert sniff(jpeg_bytes()) == "jpeg"
    assert sniff(pdf_bytes()) == "pdf"
    assert sniff(zip_bytes({"a.txt": b"hi"})) == "zip"
    assert sniff(zip_bytes({"word/document.xml": b"<w/>"})) == "docx"
    assert sniff("naïve text, ünïcode".encode()) == "text"
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None


def test_an_executable_renamed_to_pdf_is_refused():
    with pytest.raises(ContentRefused, match=r"not a \.pdf"):
        check_content(kind="project_file", name="invoice.pdf", data=b"MZ\x90\x00" + b"\x00" * 100)


def test_a_png_named_jpg_is_refused():
    with pytest.raises(ContentRefused):
        check_content(kind="profile_image", name="me.jpg", data=png_bytes())


def test_extensions_outside_the_kind_allowlist_are_refused_even_with_matching_content():
    with pytest.raises(ContentRefused, match="not accepted"):
        check_content(kind="profile_image", name="cv.pdf", data=pdf_bytes())
    with pytest.raises(ContentRefused, match="not accepted"):
        check_content(kind="project_file", name="page.html", data=b"<html><script>1</script></html>")


def test_matching_content_and_extension_answer_the_real_mime_type():
    assert check_content(kind="project_file", name="Brief.PDF", data=pdf_bytes()) == (".pdf", "application/pdf")
    assert check_content(kind="profile_image", name="me.jpeg", data=jpeg_bytes()) == (".jpeg", "image/jpeg")


def test_an_empty_file_is_refused():
    with pytest.raises(ContentRefused, match="empty"):
        check_content(kind="project_file", name="a.txt", data=b"")
