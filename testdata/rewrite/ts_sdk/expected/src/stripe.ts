import * as hoistSecrets from "./hoist-secrets";
import Stripe from "stripe";

export async function client(): Promise<Stripe> {
  return new Stripe((await hoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/stripe-AbCdEf", "secret", "STRIPE_KEY")), { apiVersion: "2024-06-20" });
}

export const publishable: string = "pk_live_51Habcdefghijklmnop";
