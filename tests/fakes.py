"""Stand-ins the data tests share: a fake network for the fetchers, a dataset without batched fetching."""

import io
import urllib.error

from minitorch_mnist.data import Dataset


class FakeNetwork:
    """Stands in for fetch._open_url: serves `responses` by URL (bytes, or a callable making a response),
    and fails like a missing DNS name otherwise."""

    def __init__(self):
        self.responses, self.requested = {}, []

    def __call__(self, url, timeout):
        assert timeout <= 10, "a dead mirror must fail fast"
        self.requested.append(url)
        if url not in self.responses:
            raise urllib.error.URLError("[Errno -2] Name or service not known")
        response = self.responses[url]
        return response() if callable(response) else io.BytesIO(response)


class ItemByItem(Dataset):
    """The same items as `inner`, but without __getitems__: the loader must fetch them one at a time."""

    def __init__(self, inner):
        self.inner = inner

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, index):
        return self.inner[index]
