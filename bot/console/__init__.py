"""The built-in web console: a chat page that drives the same handler path as the platforms.

It is the first delivery target and how the product is demoed and tested without platform
credentials. Anyone who can reach it can act as anyone, so it is off unless asked for, and it
listens on 127.0.0.1 by default.
"""
