"""RemovableHandle: what Module.register_forward_hook returns, to take the hook out again."""


class RemovableHandle:
    """What register_forward_hook returns: remove() takes the hook out again (a second call does nothing)."""

    _next_id = 0

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()
