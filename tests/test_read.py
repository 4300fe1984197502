"""Reading: encodings, line ends, and files that are not gazette text (InputError naming the file)."""
import codecs

import pytest

from kg.errors import InputError
from kg.read import expand_inputs, read_bytes, read_corpus, read_file

TEXT = "晋城市人民政府\r\n关于印发晋城市“十四五”知识产权保护和运用规划的通知\r\n晋市政发〔2022〕32号\r\n"
EXPECTED = TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "name,raw,encoding",
    [
        ("utf8", TEXT.encode("utf-8"), "utf-8"),
        ("utf8-bom", codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        ("gb18030", TEXT.encode("gb18030"), "gb18030"),
        ("gbk", TEXT.encode("gbk"), "gb18030"),  # GBK is a subset of GB18030
        ("utf16-bom", TEXT.encode("utf-16"), "utf-16"),
        ("utf16le-nobom", TEXT.encode("utf-16-le"), "utf-16-le"),
        ("utf16be-nobom", TEXT.encode("utf-16-be"), "utf-16-be"),
        ("cr-only", TEXT.replace("\r\n", "\r").encode("utf-8"), "utf-8"),
    ],
)
def test_read_decodes_encodings_and_normalises_line_ends(tmp_path, name, raw, encoding):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(raw)
    src = read_file(path)
    assert src.text == EXPECTED
    assert src.encoding == encoding
    assert src.line_of(src.text.index("晋市政发")) == 3


@pytest.mark.parametrize(
    "name,raw,reason",
    [
        ("empty", b"", "empty"),
        ("blank", b" \n\r\n\t\n", "empty"),
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        ("zip", b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        ("nul", b"\x00\x01\x02\x03\x00\x00\xff\xfe\xfd" * 50, "binary"),
        ("undecodable", bytes(range(0x80, 0x100)) * 40, "decode"),
    ],
)
def test_read_rejects_non_text_with_input_error_naming_file(tmp_path, name, raw, reason):
    path = tmp_path / f"{name}.bin"
    path.write_bytes(raw)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert str(path) in str(info.value)
    assert reason.lower() in str(info.value).lower()


def test_read_missing_file_and_folder_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="cannot open"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="folder"):
        read_file(tmp_path)


def test_read_bytes_keeps_sha256_of_raw_bytes():
    raw = TEXT.encode("gb18030")
    a, b = read_bytes("a.txt", raw), read_bytes("b.txt", TEXT.encode("utf-8"))
    assert a.text == b.text and a.sha256 != b.sha256 and len(a.sha256) == 64


def test_read_corpus_reports_bad_files_and_reads_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text("第一份文件。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_bytes("第三份文件。\n".encode("gb18030"))
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.txt", "b.txt", "c.txt"]
    sources, errors = read_corpus([tmp_path])
    assert [s.name for s in sources] == ["a.txt", "c.txt"]
    assert len(errors) == 1 and errors[0].path.endswith("b.txt")


def test_read_bundled_gazette(gazette):
    assert gazette.encoding == "utf-8"
    assert len(gazette.line_starts) == 19642 or len(gazette.line_starts) == 19641
    assert gazette.text.startswith(" 科技是第一生产力")
