"""Human-rights due diligence in the partnership: the context, the risks and impacts register,
each partner's connection to a risk and its leverage, key moments to use it, do-no-harm
screening of actions, incidents reported by SMS, and the frameworks partners report against."""
