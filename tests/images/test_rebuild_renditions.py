"""manage.py rebuild_renditions: complete, idempotent, and quiet about pictures already done."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from images.management.commands.rebuild_renditions import renditions_complete
from images.models import Image


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_renditions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_missing_only_fills_in_what_is_missing_and_skips_the_rest(make_image):
    complete = make_image()
    broken = make_image(size=(600, 400))
    Image.objects.filter(pk=broken.pk).update(renditions=[])
    gone = complete.renditions[0]["name"]
    untouched = make_image(size=(700, 500))
    default_storage.delete(gone)
    before = {r["name"] for r in Image.objects.get(pk=untouched.pk).renditions}

    out, err = run("--missing-only")

    assert "Renditions rebuilt for 2 of 3 pictures" in out
    assert "3/3" in err
    assert {r["name"] for r in Image.objects.get(pk=untouched.pk).renditions} == before
    for image in Image.objects.all():
        assert renditions_complete(image)
    out, _ = run("--missing-only")
    assert "rebuilt for 0 of 3" in out


@pytest.mark.django_db(transaction=True)
def test_full_rebuild_twice_leaves_one_set_of_files(make_image, settings):
    image = make_image(size=(1000, 800))
    run("--no-progress")
    run("--no-progress")
    image.refresh_from_db()
    files = [p for p in (settings.MEDIA_ROOT / "images" / "renditions").rglob("*") if p.is_file()]
    assert len(files) == len(image.renditions)


@pytest.mark.django_db(transaction=True)
def test_a_missing_original_is_reported_and_the_others_still_rebuilt(make_image):
    lost = make_image()
    make_image()
    default_storage.delete(lost.file.name)
    with pytest.raises(CommandError, match="1 pictures could not be rebuilt"):
        run("--no-progress")
