"""The GPT benchmark's PyTorch peer names the BLAS it really runs on (bench/gpt_torch.py, issue 20).

A reference BLAS must never pass for OpenBLAS: Debian's alternatives give both the same file name
(libblas.so.3) and only the resolved path tells them apart. numpy's bundled OpenBLAS, loaded beside
torch, is not torch's BLAS.
"""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / 'bench' / 'gpt_torch.py'


@pytest.fixture(scope='module')
def peer():
    spec = importlib.util.spec_from_file_location('gpt_torch', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ('path', 'kind'),
    [
        ('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3', 'reference BLAS (netlib)'),
        ('/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', 'OpenBLAS'),
        ('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0', 'OpenBLAS'),
        ('/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3', 'BLIS'),
        ('/opt/intel/oneapi/mkl/lib/libmkl_rt.so.2', 'MKL'),
        ('/usr/lib/x86_64-linux-gnu/libgomp.so.1', None),
    ],
)
def test_library_kinds_come_from_the_resolved_path(peer, path, kind):
    assert peer.kind_of(path) == kind
    assert (kind in peer.OPTIMISED) == (kind in {'OpenBLAS', 'BLIS', 'MKL'})


def test_pypi_torch_is_seen_as_mkl_linked_into_torch(peer):
    torch = pytest.importorskip('torch')
    blas = peer.blas_in_use()
    if 'BLAS_INFO=mkl' in torch.__config__.show() and torch.backends.mkl.is_available():
        assert blas['kind'] == 'MKL'
        assert 'linked into torch' in blas['source']
    else:
        assert blas['kind'] != 'MKL'


def test_numpy_openblas_is_not_taken_for_torch_blas(peer, monkeypatch):
    numpy_blas = '/venv/site-packages/numpy.libs/libscipy_openblas64_-32a4b2a6.so'
    monkeypatch.setattr(peer, 'loaded_libraries', lambda: [numpy_blas, '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3'])
    monkeypatch.setattr(peer.torch.backends.mkl, 'is_available', lambda: False)
    blas = peer.blas_in_use()
    assert blas['kind'] == 'reference BLAS (netlib)'
    assert blas['kind'] not in peer.OPTIMISED
