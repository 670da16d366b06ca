"""Actions on the shared registers, bulletins and referrals; views, the API and jobs call these."""
