from pathlib import Path

import pytest
from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures"
WP6 = FIXTURES / "policy-ledger-wp6.xml"
WP3 = FIXTURES / "old-blog-wp3.xml"


def write_image(path: Path, size: tuple[int, int], color: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, "JPEG", quality=80)


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A copy of a blog's wp-content/uploads: originals and WordPress's resized copies."""
    root = tmp_path / "uploads"
    write_image(root / "2019/03/harbour.jpg", (1200, 800), "navy")
    write_image(root / "2019/03/harbour-1024x683.jpg", (1024, 683), "navy")
    write_image(root / "2019/03/protest.jpg", (900, 600), "darkred")
    write_image(root / "2019/03/protest-300x200.jpg", (300, 200), "darkred")
    (root / "2019/03/report.pdf").write_bytes(b"%PDF-1.4\n% a report\n")
    return root


@pytest.fixture
def run_import(db):
    from wordpress.importer import WordPressImport

    def run(path=WP6, **options):
        return WordPressImport(source=path, **options).run()

    return run


def stored_files(media_root: Path) -> list[str]:
    root = Path(media_root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
