"""Stand-in for the get-pip script that ansible-test downloads from a host this project cannot reach.

ansible-test creates its sanity virtual environments without pip and then runs its cached get-pip script in
them with pip-style arguments (the pinned pip version). This file plays that script: it seeds pip from the
standard library's ensurepip and lets that pip install what ansible-test asked for from the package index.

`python tests/sanity/bootstrap_pip.py --install-cache` copies this file into ansible-test's cache under the
name the installed ansible-test looks for (`make sanity` does this).
"""

import os
import shutil
import subprocess
import sys
import types


def install_cache():
    from ansible_test._internal.python_requirements import get_venv_packages

    python = types.SimpleNamespace(version="{}.{}".format(*sys.version_info[:2]))
    version = get_venv_packages(python)["pip"]
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)
    target = os.path.join(cache, f"get_pip_{version.replace('.', '_')}.py")
    shutil.copyfile(os.path.abspath(__file__), target)


def bootstrap(args):
    args = [arg for arg in args if arg not in ("--no-setuptools", "--no-wheel")]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, "-m", "pip", "install", *args])


if __name__ == "__main__":
    if sys.argv[1:] == ["--install-cache"]:
        install_cache()
    else:
        bootstrap(sys.argv[1:])
