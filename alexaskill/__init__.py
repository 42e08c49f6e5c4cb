"""alexaskill: host Alexa custom skills as verified, typed, fast ASGI web services."""
