"""RQ cron configuration: ``rq cron webapp.scheduled.rq_cron -u $REDIS_URL``."""

from rq import cron

from webapp.scheduled import register

register(cron.register)
