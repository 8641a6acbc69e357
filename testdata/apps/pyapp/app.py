"""Prints a digest of the credentials the app is configured with, so a test can prove that the
app sees the same values before and after hoist moves them to Secrets Manager."""
import hashlib

import settings


def main():
    joined = settings.AWS_ACCESS_KEY_ID + "\n" + settings.AWS_SECRET_ACCESS_KEY
    print(hashlib.sha256(joined.encode()).hexdigest())


if __name__ == "__main__":
    main()
