// Orders worker: takes jobs from Redis, mails receipts, alerts Slack on failures.
const { createClient } = require("redis");
const sgMail = require("@sendgrid/mail");

const REDIS_URL = "redis://:Hn3kT8wq2ZpL5vRx@orders-cache.internal:6379/0";
const SENDGRID_API_KEY = "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";
const SLACK_WEBHOOK_URL = "https://hooks.slack.com/services/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";
const QUEUE = process.env.QUEUE_NAME || "receipts";

sgMail.setApiKey(SENDGRID_API_KEY);

async function alert(text) {
  await fetch(SLACK_WEBHOOK_URL, { method: "POST", body: JSON.stringify({ text }) });
}

async function main() {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  for (;;) {
    const job = await redis.blPop(QUEUE, 0);
    try {
      await sgMail.send(JSON.parse(job.element));
    } catch (err) {
      await alert(`receipt failed: ${err.message}`);
    }
  }
}

main();
