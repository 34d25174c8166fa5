"""DingTalk (钉钉): the robot callback edge, the OpenAPI client and the card renderer."""
