import Stripe from "stripe";

export async function client(): Promise<Stripe> {
  return new Stripe("sk_live_51Habcdefghijklmnop", { apiVersion: "2024-06-20" });
}

export const publishable: string = "pk_live_51Habcdefghijklmnop";
