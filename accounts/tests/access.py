"""Account routes with an object id (see tests/test_access_control.py)."""


def build(world):
    # Public profiles are readable by anyone by design; what must not leak is tested in the users tests.
    return [("PUT", "/api/auth/me"), ("PATCH", "/api/auth/me"), ("POST", "/api/auth/logout")]
