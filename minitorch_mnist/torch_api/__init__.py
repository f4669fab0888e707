"""torch_api"""
