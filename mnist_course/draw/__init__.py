"""`mnist-course draw`: a local page where the learner's own model reads what they draw.

`reading.py` runs one picture through the learner's lesson 07 and model (the path of
`mnist-course predict`); `server.py` serves the page in `static/` on 127.0.0.1 and
answers its pictures.
"""
