"""The course-facilitation domain: rules and use cases, free of Telegram and of the database.

Concept map: a Course has Attachments (chats), Facilitators and Learners. Learners post
Introductions and Questions; replies become Answers. Services take a UnitOfWork (ports.py)
and the current time, apply the rules, and return plain results for the bot layer to render.
"""
