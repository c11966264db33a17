import os.path as osp

from setuptools import find_packages, setup


def read_version() -> str:
    namespace = {}
    with open(osp.join('mtlw', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def read_requirements() -> list:
    with open('requirements.txt') as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line and line != 'pytest']


setup(
    name='mtlw',
    version=read_version(),
    description='Loss weighting for multi-loss and multi-task dense '
    'prediction, as an OpenMMLab plugin',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    # split lists read by the dataset loaders (mtlw/datasets/split_files.py)
    # and the papers' tables of tools/reproduce.py
    package_data={
        'mtlw.datasets': ['splits/*.md', 'splits/*/*.txt',
                          'class_maps/*.txt'],
        'mtlw.utils': ['tables/*.yaml'],
    },
    python_requires='>=3.9',
    install_requires=read_requirements(),
    extras_require=dict(tests=['pytest']),
    license='Apache-2.0',
    zip_safe=False)
