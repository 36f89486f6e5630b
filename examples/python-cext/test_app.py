"""python -m unittest: the C extension's greeting, as GET / answers it (docker build --target test)."""
import unittest

import fastgreet


class GreetTest(unittest.TestCase):
    def test_greet(self):
        self.assertEqual(fastgreet.greet("python-cext"), "Hello, python-cext, from a C extension!")


if __name__ == "__main__":
    unittest.main()
