"""check_data_root and read_image: clear errors for missing or bad data."""
import cv2
import numpy as np
import pytest

from mtlw.datasets import check_data_root, read_image

LAYOUT = 'data/nyuv2/{train,val}/{image,label,depth,normal}/<i>.npy'


def test_check_data_root_accepts_a_folder(tmp_path):
    assert check_data_root(str(tmp_path), LAYOUT, 'docs/x.md') == \
        str(tmp_path)


def test_check_data_root_names_path_layout_and_docs(tmp_path):
    missing = tmp_path / 'nyuv2'
    with pytest.raises(FileNotFoundError) as error:
        check_data_root(str(missing), LAYOUT, 'docs/datasets.md#nyuv2')
    message = str(error.value)
    assert repr(str(missing)) in message and 'does not exist' in message
    assert LAYOUT in message and 'docs/datasets.md#nyuv2' in message


def test_check_data_root_rejects_a_file(tmp_path):
    path = tmp_path / 'root.txt'
    path.write_text('x')
    with pytest.raises(FileNotFoundError, match='is not a folder'):
        check_data_root(str(path), LAYOUT, 'docs/x.md')


def test_read_image_round_trip(tmp_path):
    image = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    path = str(tmp_path / 'a.png')
    cv2.imwrite(path, image)
    np.testing.assert_array_equal(read_image(path), image)
    deep = np.array([[0, 65535]], dtype=np.uint16)
    cv2.imwrite(path, deep)
    np.testing.assert_array_equal(read_image(path, 'unchanged'), deep)


def test_read_image_missing_file(tmp_path):
    path = str(tmp_path / 'missing.png')
    with pytest.raises(FileNotFoundError, match='missing.png'):
        read_image(path)


@pytest.mark.parametrize('content', [b'', b'not an image at all',
                                     b'\x89PNG\r\n\x1a\n\x00\x00truncated'])
def test_read_image_corrupt_file(tmp_path, content):
    path = tmp_path / 'broken.png'
    path.write_bytes(content)
    with pytest.raises(ValueError, match="Cannot decode image '.*broken.png'"):
        read_image(str(path))


def test_read_image_unknown_flag(tmp_path):
    with pytest.raises(ValueError, match="got 'colour'"):
        read_image(str(tmp_path / 'a.png'), 'colour')
