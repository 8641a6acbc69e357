FROM python:3.12
ARG PIP_PASSWORD=Rt5-pip-Pw-93k
ENV PIP_INDEX_URL=https://ci:${PIP_PASSWORD}@pypi.internal/simple
ENV DATABASE_URL=postgres://app:Wm3-part-Pw-71q@db/app
RUN ["python", "-c", "import os; print(os.environ['API_TOKEN'])"]
ENV API_TOKEN=Gh7-exec-Tok-55z
CMD ["python", "app.py"]
ENV SIGNING_KEY=Qp2-sign-Key-64v
RUN ["sh", "-c", "sign --key \"$SIGNING_KEY\" /app"]
