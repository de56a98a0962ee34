from tutor import create_app

app = create_app()
