"""Stripe payments for orders."""
import stripe

from . import settings

stripe.api_key = settings.STRIPE_API_KEY


def charge(order):
    """Charges an order's total to its customer."""
    return stripe.PaymentIntent.create(
        amount=order.total_cents,
        currency="usd",
        customer=order.customer_id,
        idempotency_key=f"order-{order.id}",
    )
